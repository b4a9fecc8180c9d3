package io.talentats.email.api;

/**
 * What {@link MessageRouter#submit(OutboundMessage)} returns once the message is safely in the outbox.
 *
 * @param messageId our id for the message, for {@link MessageRouter#status(String)} and the history
 * @param route the route chosen at submit (it may still change, e.g. when the recruiter disconnects meanwhile)
 * @param duplicate {@code true} if the idempotency key was seen before and this is the earlier message
 */
public record SubmitReceipt(String messageId, Route route, boolean duplicate) {}
