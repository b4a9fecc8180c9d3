package io.talentats.email.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboxStats;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The outbox and the history in one database: a message is stored and queued in the same transaction, and leaves
 * the outbox in the same transaction that records how it ended. Entries are leased while a worker has them, so a
 * crash never loses one: an expired or released lease makes it due again.
 */
@ProviderType
public interface MessageStore {

    /** Stores and queues a message; the same (user, idempotency key) again returns the first message. */
    EnqueueResult enqueue(NewOutbound message);

    /**
     * Stores and queues a message already leased to {@code owner}, so the caller can deliver it at once from memory
     * ({@link EnqueueResult#message()}) without claiming it back from the database. If the caller dies, the lease
     * runs out and the message is due like any other.
     */
    EnqueueResult enqueueLeased(NewOutbound message, String owner, Duration lease);

    /** Leases up to {@code max} due entries to {@code owner} for {@code lease}, earliest due first, loaded whole. */
    List<StoredOutbound> claimDue(String owner, int max, Duration lease);

    /** When the earliest entry that is not leased is due, if there is one. */
    Optional<Instant> nextDue();

    /**
     * Records a delivery and takes the message out of the outbox. Does not wait: the stage completes once the
     * record is committed. If the node dies before that, the message is sent again (with the same Message-ID).
     */
    CompletionStage<Void> markSent(Delivery delivery);

    /**
     * Gives the entry back to the outbox for a later attempt and releases its lease.
     *
     * @param status {@code RETRYING} after a transient failure, {@code QUEUED} when waiting for a sending limit,
     *     {@code HELD} while connectivity is off
     * @param attempts attempts made so far
     * @param reason why, for the history
     * @param serverReply the server's last reply, or {@code null}
     */
    void reschedule(String id, MessageStatus status, Instant next, int attempts, String reason, String serverReply);

    /** Records that the message will not be delivered and takes it out of the outbox. */
    void markFailed(String id, int attempts, String reason, String serverReply);

    /** Releases every lease {@code owner} holds (after a restart or on a clean stop). */
    int release(String owner);

    /**
     * Gives back {@code owner}'s claim of one message, due at once, if it still holds it and the message is still
     * to be sent: for a claim the owner could not act on (the message was still being handled from an earlier
     * claim). Queued behind every change submitted before it, so a send recorded just before wins.
     */
    void releaseClaim(String id, String owner);

    /** Puts a failed message back in the outbox, due now. */
    boolean requeue(String id);

    /** Makes every held message due now; returns how many. */
    int releaseHeld();

    /**
     * Makes the user's held messages due now (the recruiter signed in again); returns how many.
     *
     * @param detail why, for each message's timeline
     */
    int releaseHeld(String userId, String detail);

    /** Records what became of the copy in the Sent folder. */
    void recordSentCopy(String id, SentCopy state, String detail);

    /** Sent messages whose copy to the Sent folder is still pending (after a restart), loaded whole. */
    List<StoredOutbound> pendingSentCopies(int max);

    /** The latest message of an ATS thread, if it has any. */
    Optional<ThreadTip> threadTip(String threadId);

    /** When the user's own SMTP server accepted messages since {@code since}, oldest first (for sending limits). */
    List<Instant> sentThroughUserSmtpSince(String userId, Instant since);

    OutboxStats outboxStats();

    /** Messages still in the outbox, oldest first. */
    List<MessageRecord> pending(int limit);

    Optional<MessageRecord> find(String id);
}
