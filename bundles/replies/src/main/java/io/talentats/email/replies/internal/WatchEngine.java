package io.talentats.email.replies.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.talentats.email.api.Connectivity;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.runtime.ConfigValues;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.runtime.PlatformMailbox;
import io.talentats.email.store.MailboxStats;
import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore;
import io.talentats.email.store.ReplyStore.Recorded;

import jakarta.mail.Session;

import org.eclipse.angus.mail.imap.IdleManager;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every connected mailbox with a fixed, small number of threads whatever their number: one IMAP IDLE
 * selector for all of them (with a helper per worker to end an IDLE), a few workers that read mailboxes, and one
 * timer; 8 threads with the default of 3 workers. Mailboxes are watched only while email connectivity is on (a
 * dynamic reference to {@link Connectivity} with {@code enabled=true}): switching it off stops every watcher and
 * closes its connection; switching it on starts them again from their checkpoints. The engine itself stays, so the
 * switch never re-creates components (and never races with callers of {@link #watchers()}).
 */
@Component(service = {ReplyCollector.class, Watchers.class, PlatformMailbox.class}, configurationPid = CollectorConfig.PID,
        immediate = true)
@Designate(ocd = CollectorConfig.class)
public class WatchEngine implements ReplyCollector, Watchers, PlatformMailbox {

    private static final Logger LOG = LoggerFactory.getLogger(WatchEngine.class);

    private final ThreadPoolExecutor workers;
    private final ExecutorService selector;
    private final ScheduledExecutorService scheduler;
    private final ThreadPoolExecutor recorder;

    private final IdleManager idleManager;
    private final MailboxContext context;
    private final PlatformVault vault;
    private final ReplyStore store;
    /** The accounts to watch, whether connectivity is on or not. */
    private final Set<String> accounts = new HashSet<>();
    /** The running watchers: one per account while connectivity is on, none while it is off. */
    private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
    private boolean connectivityOn;

    private final Announcer announcer;

    @Activate
    public WatchEngine(CollectorConfig config, @Reference ReplyStore store, @Reference CredentialVault vault,
            @Reference AccountStates states, @Reference MailSessions sessions, @Reference Announcer announcer)
            throws IOException {
        this.announcer = announcer;
        this.store = store;
        this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), sessions.threads("talentats-replies-worker"));
        this.workers.allowCoreThreadTimeOut(true);
        // IdleManager runs its select loop here, and a short task per IDLE it has to end when a worker reads a
        // watched folder (with a read timeout it may not end it on the select thread). A worker waits for at most
        // one such task at a time, so one thread per worker plus the loop always suffices.
        this.selector = new ThreadPoolExecutor(1, 1 + config.workers(), 30, TimeUnit.SECONDS,
                new java.util.concurrent.SynchronousQueue<>(), sessions.threads("talentats-replies-idle"));
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, sessions.threads("talentats-replies-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.scheduler = timer;
        // Recording is the database's pace: one thread, there only while batches wait.
        this.recorder = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                sessions.threads("talentats-replies-recorder"));
        this.recorder.allowCoreThreadTimeOut(true);
        Session quiet = sessions.session(new java.util.Properties());
        this.idleManager = new IdleManager(quiet, selector);
        this.vault = new PlatformVault(vault);
        this.context = new MailboxContext(config, ConfigValues.list(config.folders()), store, this.vault, states,
                sessions,
                workers, scheduler, recorder, idleManager,
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
        LOG.info("Reply collector started: {} workers, IDLE {}, poll every {} s", config.workers(),
                config.idle() ? "on" : "off", config.poll_interval_s());
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + Connectivity.ENABLED_PROPERTY + "=true)",
            unbind = "connectivityOff")
    public synchronized void connectivityOn(Connectivity connectivity) {
        connectivityOn = true;
        accounts.forEach(this::start);
        LOG.info("Email connectivity is on: watching {} mailboxes", accounts.size());
    }

    public synchronized void connectivityOff(Connectivity connectivity) {
        connectivityOn = false;
        stopAll();
        LOG.info("Email connectivity is off: stopped watching {} mailboxes", accounts.size());
    }

    private void start(String userId) {
        Mailbox old = mailboxes.put(userId, new Mailbox(userId, context));
        if (old != null) {
            old.stop();
        }
        mailboxes.get(userId).start();
    }

    private void stopAll() {
        mailboxes.values().forEach(Mailbox::stop);
        mailboxes.clear();
    }

    @Deactivate
    public void deactivate() {
        synchronized (this) {
            connectivityOn = false;
            stopAll();
        }
        idleManager.stop();
        scheduler.shutdownNow();
        recorder.shutdown();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        selector.shutdownNow();
        recorder.shutdownNow();
        LOG.info("Reply collector stopped");
    }

    /**
     * The platform's bounce mailbox (from the router's platform configuration): watched like a recruiter's, for
     * delivery reports on mail sent on recruiters' behalf.
     */
    @Override
    public void platformMailbox(Optional<MailAccount> account) {
        boolean had = vault.open(PlatformMailbox.USER_ID).isPresent();
        vault.platform(account);
        if (had) {
            unwatch(PlatformMailbox.USER_ID);
        }
        if (account.isPresent()) {
            watch(PlatformMailbox.USER_ID);
        }
    }

    @Override
    public synchronized void watch(String userId) {
        accounts.add(userId);
        if (connectivityOn) {
            start(userId);
        }
    }

    @Override
    public synchronized void unwatch(String userId) {
        accounts.remove(userId);
        Mailbox m = mailboxes.remove(userId);
        if (m != null) {
            m.stop();
        }
    }

    @Override
    public List<WatcherStatus> watchers() {
        List<String> users;
        synchronized (this) {
            users = new ArrayList<>(accounts);
        }
        List<WatcherStatus> all = new ArrayList<>();
        for (String user : users) {
            Mailbox m = mailboxes.get(user);
            MailboxStats stats = store.stats(user);
            all.add(m != null ? m.status(stats)
                    : new WatcherStatus(user, WatcherStatus.Mode.STOPPED, null, 0, null, stats.lastReplyAt(),
                            stats.repliesRecorded(), "email connectivity is off"));
        }
        all.sort(Comparator.comparing(WatcherStatus::userId));
        return all;
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
