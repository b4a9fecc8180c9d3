package io.talentats.email.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every message sent to a candidate and every reply collected, as the ATS's Messages tab shows them: newest first,
 * in pages.
 */
@ProviderType
public interface MessageHistory {

    Page<MessageRecord> forCandidate(String candidateId, PageRequest page);

    Page<MessageRecord> forThread(String threadId, PageRequest page);

    /**
     * One recruiter's part of a thread that a hiring team shares: the messages they sent into it and the replies
     * collected from their mailbox, newest first. Another recruiter's messages in the same thread are not in it.
     */
    Page<MessageRecord> forThread(String threadId, String userId, PageRequest page);

    Page<MessageRecord> forUser(String userId, PageRequest page);

    /** Inbound messages that could belong to more than one thread, left for a person to assign, newest first. */
    Page<MessageRecord> triage(PageRequest page);

    /** Inbound messages the collector could not read (too large, malformed), with the reason, newest first. */
    Page<MessageRecord> quarantined(PageRequest page);

    /**
     * Decides a triage item: it answers {@code outboundMessageId} (one of the same recruiter's messages), so it
     * joins that message's thread as a candidate reply and is announced on {@link EmailEvents#REPLY_RECEIVED}.
     *
     * @return the updated record; empty if the item is not in triage or the message is not one the recruiter sent
     */
    Optional<MessageRecord> assignTriage(String messageId, String outboundMessageId);

    /**
     * Decides a triage item is no reply to any of our messages: it leaves triage as {@code DISMISSED}.
     *
     * @return {@code false} if it was not in triage
     */
    boolean dismissTriage(String messageId);

    Optional<MessageRecord> find(String messageId);

    /** The message's timeline, oldest first. */
    List<MessageEvent> events(String messageId);
}
