package io.talentats.email.replies.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.talentats.email.api.Account;
import io.talentats.email.api.ClusterNode;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions;

import io.talentats.email.runtime.Announcer;
import io.talentats.email.support.ConfigValues;

import io.talentats.email.runtime.MailAccount;
import io.talentats.email.support.NodeName;
import io.talentats.email.store.MailboxStats;
import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore;
import io.talentats.email.store.ReplyStore.Recorded;
import io.talentats.email.store.WatchLeases;
import io.talentats.email.store.WatchLeases.Lease;

import jakarta.mail.Session;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every connected mailbox with a fixed, small number of threads whatever their number
 * ({@link CollectorThreads}: at most 8 with the default of 3 workers). Mailboxes are watched only while email
 * connectivity is on (read from {@link Connectivity} when {@link EmailEvents#CONNECTIVITY_CHANGED} is heard):
 * switching it off stops every watcher and closes its connection; switching it on starts them again from their
 * checkpoints. The engine itself stays, so the switch never re-creates components (and never races with callers of
 * {@link #watchers()}).
 */
@Component(service = {ReplyCollector.class, Watchers.class, PlatformBounceMailbox.Watcher.class, EventHandler.class},
        configurationPid = CollectorConfig.PID, immediate = true,
        property = EventConstants.EVENT_TOPIC + "=" + EmailEvents.CONNECTIVITY_CHANGED)
@Designate(ocd = CollectorConfig.class)
public class WatchEngine implements ReplyCollector, Watchers, PlatformBounceMailbox.Watcher, EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WatchEngine.class);

    private final CollectorThreads threads;
    private final ScheduledExecutorService scheduler;

    private final IdleSelector idleSelector;
    private final MailboxContext context;
    private final MailAccess access;
    /**
     * The platform's bounce mailbox ({@link PlatformBounceMailbox}), watched as {@link MailAccount#PLATFORM_USER_ID}:
     * its account is made at each connect, with the password decrypted then.
     */
    private volatile Optional<Supplier<MailAccount>> platform = Optional.empty();
    private final ReplyStore store;
    /** The accounts to watch, whether connectivity is on or not, with their way in ({@code mail.access}). */
    private final Map<String, String> accounts = new HashMap<>();
    /** The running watchers: one per account while connectivity is on, none while it is off. */
    private final Map<String, Watched> mailboxes = new ConcurrentHashMap<>();
    /** Watchers stopped whose connection is still closing, by user. */
    private final Map<String, CompletionStage<Void>> closing = new ConcurrentHashMap<>();
    private boolean connectivityOn;
    private final Connectivity connectivity;

    private final Announcer announcer;

    /** The watch leases: a mailbox is watched here only while this node holds its lease. */
    private final WatchLeases leases;
    /** Which mailboxes this node holds: exactly the mailboxes in {@link #mailboxes}. */
    private final LeaseKeeper keeper;
    private final java.util.concurrent.ScheduledFuture<?> renewals;

    @Activate
    public WatchEngine(CollectorConfig config, @Reference ReplyStore store,
            @Reference(target = "(mail.access=" + MailAccess.BY_ACCOUNT + ")") MailAccess access,
            @Reference MailSessions sessions,
            @Reference Announcer announcer, @Reference WatchLeases leases, @Reference Connectivity connectivity,
            BundleContext bundle) throws IOException {
        this(config, store, access, sessions, announcer, leases, connectivity, NodeName.of(bundle));
    }

    /** For plain Java (benchmarks, tests). @param node this node's name in the watch leases */
    public WatchEngine(CollectorConfig config, ReplyStore store, MailAccess access, MailSessions sessions,
            Announcer announcer, WatchLeases leases, Connectivity connectivity, String node) throws IOException {
        this.announcer = announcer;
        this.connectivity = connectivity;
        this.store = store;
        this.leases = leases;
        this.keeper = new LeaseKeeper(leases, node, Duration.ofSeconds(Math.max(3, config.lease_s())));
        this.threads = new CollectorThreads(config.workers(), sessions);
        this.scheduler = threads.timer;
        Session quiet = sessions.session(new java.util.Properties());
        this.idleSelector = new IdleSelector(quiet, threads.selector);
        this.access = access;
        this.context = new MailboxContext(config, ConfigValues.list(config.folders()), store, this::login,
                sessions,
                threads.workers, scheduler, threads.recorder, idleSelector,
                new ReplyCorrelator(store, Duration.ofDays(config.recent_thread_days())),
                new ReplyParser(config.max_attachment_bytes()), new Outcomes() {
                    @Override
                    public void recorded(Recorded r) {
                        announce(r);
                    }

                    @Override
                    public void bounced(OutboundRef message, ReplyStore.Bounce bounce) {
                        announceBounce(message, bounce);
                    }
                });
        // Leases are renewed every third of their length on the timer itself (two short statements): on a worker
        // the renewal would wait behind every queued connect, and with thousands of mailboxes starting that is
        // longer than a lease. Spreading the mailboxes, which may take many leases, then runs on a worker.
        long every = Math.max(1000, keeper.length().toMillis() / 3);
        this.renewals = scheduler.scheduleWithFixedDelay(this::keepLeases, every, every, TimeUnit.MILLISECONDS);
        LOG.info("Reply collector started on node {}: {} workers, IDLE {}, poll every {} s, watch leases of {} s",
                node, config.workers(), config.idle() ? "on" : "off", config.poll_interval_s(),
                keeper.length().toSeconds());
        switchChanged();
    }

    @Override
    public void handleEvent(Event event) {
        switchChanged();
    }

    /**
     * Follows the connectivity switch as it is now (not as the event said: events of fast flips may be handled
     * after the switch moved on). Watching starts or stops only when that differs from what this engine does.
     */
    public synchronized void switchChanged() {
        boolean on = connectivity.isEnabled();
        if (on == connectivityOn) {
            return;
        }
        connectivityOn = on;
        if (on) {
            accounts.keySet().forEach(this::start);
            LOG.info("Email connectivity is on: watching {} mailboxes", accounts.size());
        } else {
            stopAll();
            LOG.info("Email connectivity is off: stopped watching {} mailboxes", accounts.size());
        }
    }

    /** Watches the mailbox here if this node holds, or can take, its lease; else another node watches it. */
    private boolean start(String userId) {
        Lease lease = keeper.take(userId).orElse(null);
        if (lease == null) {
            return false;
        }
        String access = accounts.getOrDefault(userId, Account.SMTP_IMAP);
        Watched box = Account.SMTP_IMAP.equals(access) ? new Mailbox(userId, context, lease)
                : new ApiMailbox(userId, access, context, lease);
        Watched old = mailboxes.put(userId, box);
        // Never two connections to one mailbox: the new watcher connects once the one before it has closed
        CompletionStage<Void> before = old != null ? stopped(old) : closing.get(userId);
        if (before == null) {
            box.start();
        } else {
            before.whenComplete((done, failure) -> box.start());
        }
        return true;
    }

    /** Stops a watcher and remembers, until it is done, that its connection is closing. */
    private CompletionStage<Void> stopped(Watched m) {
        CompletionStage<Void> done = m.stop();
        closing.put(m.userId(), done);
        done.whenComplete((v, e) -> closing.remove(m.userId(), done));
        return done;
    }

    /** Stops watching the mailbox here and gives its lease up, so that another node may take it at once. */
    private void stopHere(String userId) {
        Watched m = mailboxes.remove(userId);
        if (m != null) {
            stopped(m);
        }
        keeper.giveBack(userId);
    }

    private void stopAll() {
        new ArrayList<>(mailboxes.keySet()).forEach(this::stopHere);
        keeper.mailboxes().forEach(this::stopHere);
    }

    /**
     * One renewal round, on the timer itself: says this node is alive and renews its leases (a mailbox whose lease
     * could not be renewed is stopped at once: another node may have it); then, on a worker, spreads the mailboxes
     * over the nodes alive. Renewing takes no monitor, so a large takeover never keeps it waiting.
     */
    void keepLeases() {
        List<WatchLeases.Node> alive = keeper.renew((user, had) -> {
            Watched m = mailboxes.get(user);
            if (m != null && m.watchesUnder(had) && mailboxes.remove(user, m)) {
                stopped(m);
            }
        });
        if (alive != null) {
            threads.workers.execute(() -> spread(alive));
        }
    }

    /** Gives back the mailboxes above this node's share of those alive and takes free ones up to it. */
    private synchronized void spread(List<WatchLeases.Node> alive) {
        if (connectivityOn) {
            keeper.spread(new ArrayList<>(accounts.keySet()), alive.size(), this::stopHere, this::start);
        }
    }

    /** The IDLE selector (for tests). */
    IdleSelector idleSelector() {
        return idleSelector;
    }

    @Deactivate
    public void deactivate() {
        renewals.cancel(false);
        synchronized (this) {
            connectivityOn = false;
            stopAll();
        }
        keeper.leave();
        idleSelector.stop();
        threads.shutdown();
        LOG.info("Reply collector stopped");
    }

    /** The platform's bounce mailbox: watched like a recruiter's, for reports on mail sent on recruiters' behalf. */
    @Override
    public void platformMailbox(Optional<Supplier<MailAccount>> account) {
        boolean had = platform.isPresent();
        platform = account;
        if (had) {
            unwatch(MailAccount.PLATFORM_USER_ID);
        }
        if (account.isPresent()) {
            watch(MailAccount.PLATFORM_USER_ID);
        }
    }

    /** The way into a user's mailbox; the platform's with the credentials its configuration holds now. */
    private AccountLogin login(String userId) {
        Optional<Supplier<MailAccount>> p = platform;
        return MailAccount.PLATFORM_USER_ID.equals(userId) && p.isPresent() ? access.login(p.get().get())
                : access.login(userId);
    }

    @Override
    public synchronized void watch(String userId, String access) {
        accounts.put(userId, access);
        if (connectivityOn) {
            start(userId);
        }
    }

    @Override
    public synchronized void unwatch(String userId) {
        accounts.remove(userId);
        stopHere(userId);
    }

    @Override
    public List<WatcherStatus> watchers() {
        List<String> users;
        synchronized (this) {
            users = new ArrayList<>(accounts.keySet());
        }
        Map<String, Lease> rows = new java.util.HashMap<>();
        try {
            for (Lease l : leases.leases()) {
                rows.put(l.mailboxId(), l);
            }
        } catch (RuntimeException e) {
            LOG.debug("Watch leases unreadable: {}", e.getMessage());
        }
        Instant now = Instant.now();
        List<WatcherStatus> all = new ArrayList<>();
        for (String user : users) {
            Watched m = mailboxes.get(user);
            Lease mine = keeper.held(user);
            Lease row = rows.get(user);
            MailboxStats stats = store.stats(user);
            if (m != null) {
                all.add(m.status(stats).on(keeper.node(), mine == null ? null : mine.until()));
            } else if (row != null && row.live(now) && !keeper.node().equals(row.owner())) {
                all.add(new WatcherStatus(user, WatcherStatus.Mode.ELSEWHERE, row.acquiredAt(), 0, null,
                        stats.lastReplyAt(), stats.repliesRecorded(), null, row.owner(), row.until()));
            } else {
                all.add(new WatcherStatus(user, WatcherStatus.Mode.STOPPED, null, 0, null, stats.lastReplyAt(),
                        stats.repliesRecorded(), connectivityOn() ? "waiting for its watch lease"
                                : "email connectivity is off"));
            }
        }
        all.sort(Comparator.comparing(WatcherStatus::userId));
        return all;
    }

    @Override
    public List<ClusterNode> nodes() {
        List<WatchLeases.Node> known;
        List<Lease> rows;
        try {
            known = leases.nodes();
            rows = leases.leases();
        } catch (RuntimeException e) {
            LOG.debug("Nodes unreadable: {}", e.getMessage());
            return List.of();
        }
        Instant now = Instant.now();
        Map<String, Integer> watching = new java.util.HashMap<>();
        for (Lease l : rows) {
            if (l.live(now)) {
                watching.merge(l.owner(), 1, Integer::sum);
            }
        }
        List<ClusterNode> out = new ArrayList<>();
        for (WatchLeases.Node n : known) {
            out.add(new ClusterNode(n.nodeId(), n.nodeId().equals(keeper.node()), n.aliveUntil().isAfter(now), n.startedAt(),
                    n.seenAt(), n.aliveUntil(), watching.getOrDefault(n.nodeId(), 0)));
        }
        return out;
    }

    private synchronized boolean connectivityOn() {
        return connectivityOn;
    }

    private void announce(Recorded r) {
        OutboundRef answers = r.message().answers();
        Map<String, Object> p = Announcer.aboutMessage(r.id(), r.message().userId(),
                answers == null ? null : answers.threadId(), answers == null ? null : answers.candidateId(),
                answers == null ? null : answers.applicationId());
        if (answers != null) {
            p.put(EmailEvents.IN_REPLY_TO, answers.id());
        }
        // An automatic answer (out of office) is in the thread, but it is nobody's reply: its own topic.
        announcer.post(r.message().candidateReply() ? EmailEvents.REPLY_RECEIVED : EmailEvents.REPLY_AUTOMATIC, p);
    }

    private void announceBounce(OutboundRef o, ReplyStore.Bounce b) {
        Map<String, Object> p = Announcer.aboutMessage(o.id(), o.userId(), o.threadId(), o.candidateId(),
                o.applicationId());
        p.put(EmailEvents.STATUS_CODE, b.statusCode());
        if (b.diagnostic() != null) {
            p.put(EmailEvents.REASON, b.diagnostic());
        }
        announcer.post(b.hard() ? EmailEvents.MESSAGE_BOUNCED : EmailEvents.MESSAGE_DELAYED, p);
    }
}
