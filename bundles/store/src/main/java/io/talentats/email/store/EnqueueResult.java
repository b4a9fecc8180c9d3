package io.talentats.email.store;

import io.talentats.email.api.Route;
import io.talentats.email.api.Suppression;

/**
 * What {@link MessageStore#enqueue} did.
 *
 * @param id the message id; {@code null} when the message was refused for an earlier bounce
 * @param route the route stored with the message
 * @param duplicate {@code true} if the idempotency key matched an earlier message, which is returned instead
 * @param message the stored message, whole, when it was stored now and leased to the caller; else {@code null}
 * @param bounced the earlier hard bounce of a recipient found by the message's {@link NewOutbound.BounceCheck}
 *     (the message was refused, or stored with a warning), or {@code null}
 */
public record EnqueueResult(String id, Route route, boolean duplicate, StoredOutbound message, Suppression bounced) {

    public EnqueueResult(String id, Route route, boolean duplicate, StoredOutbound message) {
        this(id, route, duplicate, message, null);
    }

    /** Nothing stored: a recipient hard-bounced before and the check refuses such messages. */
    public static EnqueueResult refused(Suppression bounced) {
        return new EnqueueResult(null, null, false, null, bounced);
    }

    /** Whether the message was refused for {@link #bounced()} rather than stored. */
    public boolean refused() {
        return id == null;
    }
}
