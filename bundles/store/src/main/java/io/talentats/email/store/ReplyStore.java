package io.talentats.email.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the reply collector reads and writes: checkpoints, the outbound messages replies answer, and the replies.
 * Recording is idempotent: a message recorded before (same user, same dedupe key) is not recorded again, so a crash
 * between reading a message and saving the checkpoint never doubles it.
 */
@ProviderType
public interface ReplyStore {

    Optional<Checkpoint> checkpoint(String userId, String folder);

    /** The user's outbound messages with any of these Message-IDs. */
    List<OutboundRef> outboundByMessageIds(String userId, Collection<String> messageIds);

    /** The user's outbound messages carrying any of these reply tokens. */
    List<OutboundRef> outboundByTokens(String userId, Collection<String> tokens);

    /** The user's outbound messages sent to any of these addresses since {@code since}, newest first. */
    List<OutboundRef> outboundTo(String userId, Collection<String> addresses, Instant since);

    /**
     * Records the messages not recorded before and moves the checkpoint, in one transaction.
     *
     * @return the messages recorded now with their new ids (the others were recorded before)
     */
    List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint);

    /**
     * As {@link #record(List, Checkpoint)}, under a watch lease: refused whole when {@code lease} is no longer the
     * mailbox's current one, or the checkpoint was written under a newer one.
     *
     * @throws LeaseLostException when another node took the mailbox over; nothing was recorded
     */
    List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint, WatchLeases.Lease lease);

    /**
     * What the recipient's server reported about one of our sent messages.
     *
     * @param outboundId our message
     * @param hard a permanent failure (5.x.x): the message is {@code BOUNCED} and the address suppressed; else
     *     {@code DELAYED}
     * @param statusCode the RFC 3463 code
     * @param recipient the failed address, or {@code null} (then the message's primary recipient)
     * @param diagnostic the remote server's words, or {@code null}
     */
    record Bounce(String userId, String outboundId, boolean hard, String statusCode, String recipient,
            String diagnostic) {}

    // userId: the mailbox the report arrived in (the recruiter's, or MailAccount.PLATFORM_USER_ID for the platform's,
    // which may report on any recruiter's message); the address is suppressed under it.

    /**
     * Records a bounce or delay on the outbound message (status, timeline) and, for a hard one, the suppressed
     * address; idempotent: a report read twice changes nothing the second time.
     *
     * @return whether the message's status changed (then announce it)
     */
    boolean recordBounce(Bounce bounce);

    /** Notes on the outbound message's timeline that its recipient displayed it (a read receipt). */
    void recordReadReceipt(String userId, String outboundId, String detail);

    /** What has been recorded from the user's mailbox so far. */
    MailboxStats stats(String userId);

    /** When the user's first outbound message was queued, if there is one: no reply can be older. */
    Optional<Instant> firstOutboundAt(String userId);

    /** A message recorded now. */
    record Recorded(String id, InboundMessage message) {}
}
