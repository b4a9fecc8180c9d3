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
import io.talentats.email.api.EmailEvents;
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
import io.talentats.email.runtime.SharedAccounts;
import io.talentats.email.runtime.Announcer;
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
import io.talentats.email.store.WatchLeases;
import io.talentats.email.store.StoredOutbound;
import io.talentats.email.store.ThreadTip;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The message database as one component: it owns the DataSource, brings the schema up to date, and runs the one
 * writer ({@link GroupCommitter}) that every part writes through. What each service does is in its part: the
 * outbox ({@link OutboxTables}), reply collection ({@link ReplyTables}), the history ({@link HistoryQueries}) and
 * accounts' runtime state ({@link AccountStateTable}), OAuth grants ({@link OAuthTables}), watch leases
 * ({@link WatchLeaseTable}) and the accounts shared between nodes ({@link SharedAccountTable}); this class only hands
 * calls on. Plain SQL that H2 and
 * PostgreSQL both run; every change that must not be half-done is one transaction.
 */
@Component(service = {MessageStore.class, ReplyStore.class, MessageHistory.class, AccountStates.class,
        OAuthGrants.class, Suppressions.class, WatchLeases.class},
        configurationPid = StoreConfig.PID, immediate = true)
@Designate(ocd = StoreConfig.class)
public class JdbcMessageStore
        implements MessageStore, ReplyStore, MessageHistory, AccountStates, OAuthGrants, Suppressions, WatchLeases,
        SharedAccounts {

    private final GroupCommitter writer;
    private final OutboxTables outbox;
    private final ReplyTables replies;
    private final HistoryQueries history;
    private final AccountStateTable states;
    private final OAuthTables oauth;
    private final WatchLeaseTable leases;
    private final SharedAccountTable shared;

    private final Announcer announcer;

    /** {@link SharedAccounts} as a service, only while the database is one other nodes can share. */
    private ServiceRegistration<SharedAccounts> sharing;

    @Activate
    public JdbcMessageStore(
            @Reference(name = "dataSource", target = "(dataSourceName=talentats-email)") DataSource dataSource,
            @Reference Announcer announcer, BundleContext context) {
        this(dataSource, announcer, Clock.systemUTC());
        if (SharedAccountTable.shareable(dataSource)) {
            sharing = context.registerService(SharedAccounts.class, this, null);
        }
    }

    /** For plain Java (benchmarks): announces nothing. */
    public JdbcMessageStore(DataSource dataSource) {
        this(dataSource, Announcer.to(() -> null), Clock.systemUTC());
    }

    JdbcMessageStore(DataSource dataSource, Clock clock) {
        this(dataSource, Announcer.to(() -> null), clock);
    }

    JdbcMessageStore(DataSource dataSource, Announcer announcer, Clock clock) {
        this.announcer = announcer;
        Schema.migrate(dataSource);
        this.writer = new GroupCommitter(dataSource);
        Jdbc jdbc = new Jdbc(dataSource, writer);
        this.outbox = new OutboxTables(jdbc, clock);
        this.replies = new ReplyTables(jdbc, clock);
        this.history = new HistoryQueries(jdbc, clock);
        this.states = new AccountStateTable(jdbc, clock);
        this.oauth = new OAuthTables(jdbc, clock);
        this.leases = new WatchLeaseTable(jdbc, clock);
        this.shared = new SharedAccountTable(jdbc, clock);
    }

    /** Lets the writes already accepted commit, then stops the writer. */
    @Deactivate
    public void close() {
        if (sharing != null) {
            sharing.unregister();
            sharing = null;
        }
        writer.close();
    }

    // ---------------------------------------------------------------- MessageStore: the outbox

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

    // ---------------------------------------------------------------- ReplyStore

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
    public List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint, Lease lease) {
        return replies.record(messages, checkpoint, lease);
    }

    // ---------------------------------------------------------------- MessageHistory

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
        if (!replies.assignTriage(messageId, outboundMessageId)) {
            return Optional.empty();
        }
        Optional<MessageRecord> r = history.find(messageId);
        r.ifPresent(m -> {
            Map<String, Object> p = Announcer.aboutMessage(m.id(), m.userId(), m.threadId(), m.candidateId(),
                    m.applicationId());
            p.put(EmailEvents.IN_REPLY_TO, outboundMessageId);
            announcer.post(EmailEvents.REPLY_RECEIVED, p);
        });
        return r;
    }

    @Override
    public boolean dismissTriage(String messageId) {
        return replies.dismissTriage(messageId);
    }

    @Override
    public boolean recordBounce(Bounce bounce) {
        return replies.recordBounce(bounce);
    }

    @Override
    public void recordReadReceipt(String userId, String outboundId, String detail) {
        replies.recordReadReceipt(userId, outboundId, detail);
    }

    // ---------------------------------------------------------------- Suppressions

    @Override
    public List<Suppression> list(String userId) {
        return replies.suppressions(userId, null);
    }

    @Override
    public List<Suppression> find(String userId, List<String> addresses) {
        return replies.suppressions(userId, addresses);
    }

    @Override
    public boolean clear(String userId, String address) {
        return replies.clearSuppression(userId, address);
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

    // ---------------------------------------------------------------- AccountStates

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
        announcer.post(EmailEvents.ACCOUNT_VERIFIED, Map.of(EmailEvents.USER_ID, userId,
                EmailEvents.PASSED, verification.passed()));
    }

    @Override
    public boolean recordHealth(String userId, AccountHealth health) {
        if (!states.recordHealth(userId, health)) {
            return false;
        }
        announcer.post(EmailEvents.ACCOUNT_HEALTH, Map.of(EmailEvents.USER_ID, userId, EmailEvents.HEALTH,
                health.state().name(), EmailEvents.REASON, health.reason() == null ? "" : health.reason()));
        return true;
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

    // ---------------------------------------------------------------- WatchLeases

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

    // ---------------------------------------------------------------- SharedAccounts

    @Override
    public long publish(String userId, Map<String, Object> settings) {
        return shared.publish(userId, settings);
    }

    @Override
    public List<Change> since(long after) {
        return shared.since(after);
    }

    // ---------------------------------------------------------------- OAuthGrants

    @Override
    public Optional<Grant> grant(String userId) {
        return oauth.grant(userId);
    }

    @Override
    public List<Grant> grants() {
        return oauth.grants();
    }

    @Override
    public Grant putGrant(Grant grant) {
        return oauth.putGrant(grant);
    }

    @Override
    public Optional<Grant> refresh(String userId, Refresh refresh) throws Exception {
        return oauth.refresh(userId, refresh);
    }

    @Override
    public boolean reencrypted(String userId, long version, String refreshToken, String accessToken) {
        return oauth.reencrypted(userId, version, refreshToken, accessToken);
    }

    @Override
    public boolean deleteGrant(String userId) {
        return oauth.deleteGrant(userId);
    }

    @Override
    public void putFlow(Flow flow) {
        oauth.putFlow(flow);
    }

    @Override
    public Optional<Flow> takeFlow(String state) {
        return oauth.takeFlow(state);
    }

    @Override
    public int purgeFlows(Instant now) {
        return oauth.purgeFlows(now);
    }
}
