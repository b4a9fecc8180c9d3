package io.talentats.email.store;

import java.util.List;

import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;

/**
 * An outbound message as the router stores it at submit: the message, and the route and status it starts with.
 *
 * @param mail the message, written once
 * @param route the route chosen at submit
 * @param routeReason why, in words
 * @param status {@code QUEUED}, or {@code HELD} while connectivity is off
 * @param bounces whose earlier hard bounces of the recipients to look for in the same transaction as the insert, or
 *     {@code null} for none
 */
public record NewOutbound(OutboundMail mail, Route route, String routeReason, MessageStatus status,
        BounceCheck bounces) {

    /** A message stored without looking for earlier bounces. */
    public NewOutbound(OutboundMail mail, Route route, String routeReason, MessageStatus status) {
        this(mail, route, routeReason, status, null);
    }

    /**
     * The look for an earlier hard bounce of a recipient (to or cc) made with the insert.
     *
     * @param userIds the users whose suppressed addresses count (the sender; for platform mail also the platform's)
     * @param refuse whether a bounced recipient refuses the message (nothing stored, {@link EnqueueResult#refused()});
     *     otherwise it is stored with the bounce named as a warning in its route reason
     */
    public record BounceCheck(List<String> userIds, boolean refuse) {
        public BounceCheck {
            userIds = List.copyOf(userIds);
        }
    }

    /** The same message with another route reason. */
    public NewOutbound withRouteReason(String reason) {
        return new NewOutbound(mail, route, reason, status, bounces);
    }
}
