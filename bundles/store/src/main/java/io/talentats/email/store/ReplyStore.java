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

    /** What has been recorded from the user's mailbox so far. */
    MailboxStats stats(String userId);

    /** When the user's first outbound message was queued, if there is one: no reply can be older. */
    Optional<Instant> firstOutboundAt(String userId);

    /** A message recorded now. */
    record Recorded(String id, InboundMessage message) {}
}
