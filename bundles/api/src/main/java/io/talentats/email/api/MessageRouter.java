package io.talentats.email.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Sends the ATS's messages to candidates from the right sender and never loses one.
 *
 * <p>Stage-change and interview mail goes through the recruiter's own SMTP server when their account is connected
 * and enabled, otherwise through the platform on their behalf. Custom messages go only through the recruiter's own
 * server. Every message is stored in the outbox and the history before {@link #submit} returns, and is delivered by
 * background workers with retries.
 */
@ProviderType
public interface MessageRouter {

    /**
     * Validates, routes and queues a message.
     *
     * @return the message id, at once; delivery happens in the background
     * @throws MessageRejectedException if the message is invalid or may not be sent (a custom message without a
     *     connected account, or while connectivity is disabled); nothing is queued
     */
    SubmitReceipt submit(OutboundMessage message) throws MessageRejectedException;

    /** The message's current record, if the id is known. */
    Optional<MessageRecord> status(String messageId);

    /**
     * Puts a failed message back in the outbox for another attempt.
     *
     * @return {@code false} if the message is unknown or not failed
     */
    boolean retry(String messageId);

    /** The outbox at a glance. */
    OutboxStats outbox();

    /** The messages still in the outbox, oldest first, at most {@code limit}. */
    List<MessageRecord> pending(int limit);
}
