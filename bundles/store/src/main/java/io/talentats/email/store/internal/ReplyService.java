package io.talentats.email.store.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.InboundMessage;
import io.talentats.email.store.MailboxStats;
import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore;
import io.talentats.email.store.WatchLeases;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What the reply collector records ({@link ReplyStore}): checkpoints, replies and automatic answers tied to the
 * outbound messages they answer, bounces and read receipts, in the tables of {@link ReplyTables}.
 */
@Component(service = ReplyStore.class)
public final class ReplyService implements ReplyStore {

    private final ReplyTables replies;

    @Activate
    public ReplyService(@Reference Database db) {
        this.replies = new ReplyTables(db.jdbc(), db.clock());
    }

    @Override
    public Optional<Checkpoint> checkpoint(String userId, String folder) {
        return replies.checkpoint(userId, folder);
    }

    @Override
    public List<OutboundRef> outboundByMessageIds(String userId, Collection<String> messageIds) {
        return replies.byMessageIds(userId, messageIds);
    }

    @Override
    public List<OutboundRef> outboundByTokens(String userId, Collection<String> tokens) {
        return replies.byTokens(userId, tokens);
    }

    @Override
    public List<OutboundRef> outboundTo(String userId, Collection<String> addresses, Instant since) {
        return replies.sentTo(userId, addresses, since);
    }

    @Override
    public List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint) {
        return replies.record(messages, checkpoint, null);
    }

    @Override
    public List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint, WatchLeases.Lease lease) {
        return replies.record(messages, checkpoint, lease);
    }

    @Override
    public MailboxStats stats(String userId) {
        return replies.stats(userId);
    }

    @Override
    public Optional<Instant> firstOutboundAt(String userId) {
        return replies.firstOutboundAt(userId);
    }

    @Override
    public boolean recordBounce(Bounce bounce) {
        return replies.recordBounce(bounce);
    }

    @Override
    public void recordReadReceipt(String userId, String outboundId, String detail) {
        replies.recordReadReceipt(userId, outboundId, detail);
    }
}
