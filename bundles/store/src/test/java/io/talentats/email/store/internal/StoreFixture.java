package io.talentats.email.store.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import javax.sql.DataSource;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.MessageEvent;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboxStats;
import io.talentats.email.api.Page;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.Suppression;
import io.talentats.email.api.Suppressions;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.SharedAccounts;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.Delivery;
import io.talentats.email.store.EnqueueResult;
import io.talentats.email.store.InboundMessage;
import io.talentats.email.store.MailboxStats;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.OAuthGrants;
import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore;
import io.talentats.email.store.StoredOutbound;
import io.talentats.email.store.ThreadTip;
import io.talentats.email.store.WatchLeases;

/**
 * The whole store for plain Java — the store's own tests, other modules' tests and the benchmarks (published as
 * the store's test-jar): the same components Karaf activates, made by hand on one {@link Database}, behind one
 * object that is every contract at once. Not in the bundle: in Karaf each contract is a component of its own.
 */
public final class StoreFixture
        implements MessageStore, ReplyStore, MessageHistory, AccountStates, OAuthGrants, Suppressions, WatchLeases,
        SharedAccounts {

    private final Database database;
    private final OutboxService outbox;
    private final ReplyService replies;
    private final HistoryService history;
    private final SuppressionService suppressions;
    private final AccountStateService states;
    private final WatchLeaseService leases;
    private final SharedAccountService shared;
    private final OAuthGrantService grants;

    /** A store that announces nothing, on the system clock. */
    public StoreFixture(DataSource dataSource) {
        this(dataSource, Announcer.to(() -> null), Clock.systemUTC());
    }

    public StoreFixture(DataSource dataSource, Clock clock) {
        this(dataSource, Announcer.to(() -> null), clock);
    }

    public StoreFixture(DataSource dataSource, Announcer announcer, Clock clock) {
        this.database = new Database(dataSource, clock);
        this.outbox = new OutboxService(database);
        this.replies = new ReplyService(database);
        this.history = new HistoryService(database, announcer);
        this.suppressions = new SuppressionService(database);
        this.states = new AccountStateService(database, announcer);
        this.leases = new WatchLeaseService(database);
        this.shared = new SharedAccountService(database);
        this.grants = new OAuthGrantService(database);
    }

    /** Lets the writes already accepted commit, then stops the writer. */
    public void close() {
        database.close();
    }

    @Override
    public EnqueueResult enqueue(NewOutbound message) {
        return outbox.enqueue(message);
    }

    @Override
    public EnqueueResult enqueueLeased(NewOutbound message, String owner, Duration lease) {
        return outbox.enqueueLeased(message, owner, lease);
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
        return outbox.outboxStats();
    }

    @Override
    public List<MessageRecord> pending(int limit) {
        return outbox.pending(limit);
    }

    @Override
    public Optional<Checkpoint> checkpoint(String userId, String folder) {
        return replies.checkpoint(userId, folder);
    }

    @Override
    public List<OutboundRef> outboundByMessageIds(String userId, Collection<String> messageIds) {
        return replies.outboundByMessageIds(userId, messageIds);
    }

    @Override
    public List<OutboundRef> outboundByTokens(String userId, Collection<String> tokens) {
        return replies.outboundByTokens(userId, tokens);
    }

    @Override
    public List<OutboundRef> outboundTo(String userId, Collection<String> addresses, Instant since) {
        return replies.outboundTo(userId, addresses, since);
    }

    @Override
    public List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint) {
        return replies.record(messages, checkpoint);
    }

    @Override
    public List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint, Lease lease) {
        return replies.record(messages, checkpoint, lease);
    }

    @Override
    public Optional<MessageRecord> find(String id) {
        return history.find(id);
    }

    @Override
    public Page<MessageRecord> forCandidate(String candidateId, PageRequest page) {
        return history.forCandidate(candidateId, page);
    }

    @Override
    public Page<MessageRecord> forThread(String threadId, PageRequest page) {
        return history.forThread(threadId, page);
    }

    @Override
    public Page<MessageRecord> forThread(String threadId, String userId, PageRequest page) {
        return history.forThread(threadId, userId, page);
    }

    @Override
    public Page<MessageRecord> forUser(String userId, PageRequest page) {
        return history.forUser(userId, page);
    }

    @Override
    public Page<MessageRecord> triage(PageRequest page) {
        return history.triage(page);
    }

    @Override
    public Page<MessageRecord> quarantined(PageRequest page) {
        return history.quarantined(page);
    }

    @Override
    public Optional<MessageRecord> assignTriage(String messageId, String outboundMessageId) {
        return history.assignTriage(messageId, outboundMessageId);
    }

    @Override
    public boolean dismissTriage(String messageId) {
        return history.dismissTriage(messageId);
    }

    @Override
    public boolean recordBounce(Bounce bounce) {
        return replies.recordBounce(bounce);
    }

    @Override
    public void recordReadReceipt(String userId, String outboundId, String detail) {
        replies.recordReadReceipt(userId, outboundId, detail);
    }

    @Override
    public List<Suppression> list(String userId) {
        return suppressions.list(userId);
    }

    @Override
    public List<Suppression> find(String userId, List<String> addresses) {
        return suppressions.find(userId, addresses);
    }

    @Override
    public boolean clear(String userId, String address) {
        return suppressions.clear(userId, address);
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
    public List<MessageEvent> events(String messageId) {
        return history.events(messageId);
    }

    @Override
    public AccountState get(String userId) {
        return states.get(userId);
    }

    @Override
    public Map<String, AccountState> all() {
        return states.all();
    }

    @Override
    public void recordVerification(String userId, Verification verification) {
        states.recordVerification(userId, verification);
    }

    @Override
    public boolean recordHealth(String userId, AccountHealth health) {
        return states.recordHealth(userId, health);
    }

    @Override
    public void forget(String userId) {
        states.forget(userId);
    }

    @Override
    public void recordPassedTest(String userId, PassedTest test) {
        states.recordPassedTest(userId, test);
    }

    @Override
    public Optional<PassedTest> passedTest(String userId) {
        return states.passedTest(userId);
    }

    @Override
    public void forgetPassedTest(String userId) {
        states.forgetPassedTest(userId);
    }

    @Override
    public Optional<Lease> acquire(String mailboxId, String owner, Duration length) {
        return leases.acquire(mailboxId, owner, length);
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration length) {
        return leases.renew(lease, length);
    }

    @Override
    public List<Lease> renewAll(String owner, Duration length) {
        return leases.renewAll(owner, length);
    }

    @Override
    public void release(Lease lease) {
        leases.release(lease);
    }

    @Override
    public List<Lease> leases() {
        return leases.leases();
    }

    @Override
    public List<Node> started(String nodeId, Duration ttl) {
        return leases.started(nodeId, ttl);
    }

    @Override
    public List<Node> heartbeat(String nodeId, Duration ttl) {
        return leases.heartbeat(nodeId, ttl);
    }

    @Override
    public void leave(String nodeId) {
        leases.leave(nodeId);
    }

    @Override
    public List<Node> nodes() {
        return leases.nodes();
    }

    @Override
    public long publish(String userId, Map<String, Object> settings) {
        return shared.publish(userId, settings);
    }

    @Override
    public List<Change> since(long after) {
        return shared.since(after);
    }

    @Override
    public Optional<Grant> grant(String userId) {
        return grants.grant(userId);
    }

    @Override
    public List<Grant> grants() {
        return grants.grants();
    }

    @Override
    public Grant putGrant(Grant grant) {
        return grants.putGrant(grant);
    }

    @Override
    public Optional<Grant> refresh(String userId, Refresh refresh) throws Exception {
        return grants.refresh(userId, refresh);
    }

    @Override
    public boolean reencrypted(String userId, long version, String refreshToken, String accessToken) {
        return grants.reencrypted(userId, version, refreshToken, accessToken);
    }

    @Override
    public boolean deleteGrant(String userId) {
        return grants.deleteGrant(userId);
    }

    @Override
    public void putFlow(Flow flow) {
        grants.putFlow(flow);
    }

    @Override
    public Optional<Flow> takeFlow(String state) {
        return grants.takeFlow(state);
    }

    @Override
    public int purgeFlows(Instant now) {
        return grants.purgeFlows(now);
    }
}
