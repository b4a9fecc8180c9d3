package io.talentats.email.store;

import io.talentats.email.api.Route;

/**
 * What {@link MessageStore#enqueue} did.
 *
 * @param id the message id
 * @param route the route stored with the message
 * @param duplicate {@code true} if the idempotency key matched an earlier message, which is returned instead
 * @param message the stored message, whole, when it was stored now and leased to the caller; else {@code null}
 */
public record EnqueueResult(String id, Route route, boolean duplicate, StoredOutbound message) {}
