package io.talentats.email.store.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboxStats;
import io.talentats.email.store.Delivery;
import io.talentats.email.store.EnqueueResult;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.StoredOutbound;
import io.talentats.email.store.ThreadTip;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The outbox ({@link MessageStore}): messages queued, claimed under a lease, sent, retried, held and released, in
 * the tables of {@link OutboxTables}; what waits is read through {@link HistoryQueries}.
 */
@Component(service = MessageStore.class)
public final class OutboxService implements MessageStore {

    private final OutboxTables outbox;
    private final HistoryQueries history;

    @Activate
    public OutboxService(@Reference Database db) {
        this.outbox = new OutboxTables(db.jdbc(), db.clock());
        this.history = new HistoryQueries(db.jdbc(), db.clock());
    }

    @Override
    public EnqueueResult enqueue(NewOutbound message) {
        return outbox.enqueue(message, null, null);
    }

    @Override
    public EnqueueResult enqueueLeased(NewOutbound message, String owner, Duration lease) {
        return outbox.enqueue(message, owner, lease);
    }

    @Override
    public List<StoredOutbound> claimDue(String owner, int max, Duration lease) {
        return outbox.claimDue(owner, max, lease);
    }

    @Override
    public Optional<Instant> nextDue() {
        return outbox.nextDue();
    }

    @Override
    public CompletionStage<Void> markSent(Delivery delivery) {
        return outbox.markSent(delivery);
    }

    @Override
    public void reschedule(String id, MessageStatus status, Instant next, int attempts, String reason,
            String serverReply) {
        outbox.reschedule(id, status, next, attempts, reason, serverReply);
    }

    @Override
    public void markFailed(String id, int attempts, String reason, String serverReply) {
        outbox.markFailed(id, attempts, reason, serverReply);
    }

    @Override
    public int release(String owner) {
        return outbox.release(owner);
    }

    @Override
    public void releaseClaim(String id, String owner) {
        outbox.releaseClaim(id, owner);
    }

    @Override
    public boolean requeue(String id) {
        return outbox.requeue(id);
    }

    @Override
    public int releaseHeld() {
        return outbox.releaseHeld();
    }

    @Override
    public int releaseHeld(String userId, String detail) {
        return outbox.releaseHeld(userId, detail);
    }

    @Override
    public void recordSentCopy(String id, SentCopy state, String detail) {
        outbox.recordSentCopy(id, state, detail);
    }

    @Override
    public List<StoredOutbound> pendingSentCopies(int max) {
        return outbox.pendingSentCopies(max);
    }

    @Override
    public Optional<ThreadTip> threadTip(String threadId) {
        return outbox.threadTip(threadId);
    }

    @Override
    public List<Instant> sentThroughUserSmtpSince(String userId, Instant since) {
        return outbox.sentThroughUserSmtpSince(userId, since);
    }

    @Override
    public OutboxStats outboxStats() {
        return outbox.stats();
    }

    @Override
    public List<MessageRecord> pending(int limit) {
        return history.pending(limit);
    }

    @Override
    public Optional<MessageRecord> find(String id) {
        return history.find(id);
    }
}
