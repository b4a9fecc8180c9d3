package io.talentats.email.router.internal;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.talentats.email.api.Account;
import io.talentats.email.api.Route;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.router.internal.RoutingPolicy.Action;
import io.talentats.email.router.internal.RoutingPolicy.Decision;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.StoredOutbound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded pool of workers and the lanes they work: one lane per sender, so each SMTP connection is reused for a
 * sender's burst and a slow or rate-limited sender never holds up the others.
 */
final class OutboxWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxWorkers.class);

    /** What lanes need from the router. */
    interface Context {
        MessageStore store();

        MailSessions sessions();

        CredentialVault vault();

        Supplier<PlatformSettings> platform();

        Events events();

        RouterConfig config();

        Clock clock();

        SentFolderAppender appender();

        SendingLimiter limiterFor(MailAccount account, Account masked);

        boolean wantsSentCopy(MailAccount account, Account masked);
    }

    private final Context context;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timer;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Backlog backlog = new Backlog();
    private volatile boolean stopping;

    OutboxWorkers(Context context) {
        this.context = context;
        int n = context.config().workers();
        this.pool = new ThreadPoolExecutor(n, n, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                context.sessions().threads("talentats-outbox-worker"));
        this.pool.allowCoreThreadTimeOut(true);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                context.sessions().threads("talentats-outbox-idle"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        long idle = context.config().smtp_idle_close_ms();
        long every = Math.max(100, Math.min(idle / 2, 1000));
        timer.scheduleWithFixedDelay(() -> closeIdle(idle), every, every, TimeUnit.MILLISECONDS);
    }

    Context context() {
        return context;
    }

    boolean stopping() {
        return stopping;
    }

    void execute(Runnable r) {
        pool.execute(r);
    }

    /** Whether lanes may be handed more messages from memory (see {@link Backlog}). */
    boolean hasRoom() {
        return backlog.hasRoom();
    }

    void done(Job job) {
        backlog.remove(job.message());
    }

    /** Hands a message to its lane, unless it is already waiting there (claimed again after its lease ran out). */
    void offer(StoredOutbound m, Decision d, Account account) {
        if (!backlog.addClaimed(m)) {
            LOG.debug("Message {} is already waiting in its lane", m.id());
            return;
        }
        lane(d, m.userId()).offer(new Job(m, d, account, m.attempts()));
    }

    private void offer(Job job) {
        backlog.add(job.message());
        lane(job.decision(), job.message().userId()).offer(job);
    }

    private Lane lane(Decision d, String userId) {
        return lane(d.route() == Route.PLATFORM ? null : userId);
    }

    private Lane lane(String userId) {
        String key = userId == null ? "platform" : "user:" + userId;
        return lanes.computeIfAbsent(key, k -> new Lane(k, userId == null ? Route.PLATFORM : Route.USER_SMTP, userId,
                this));
    }

    /**
     * A system message that cannot go through the recruiter's server (disconnected, login refused) goes through
     * the platform on their behalf; a custom message fails.
     */
    void reroute(Job job, String why) {
        StoredOutbound m = job.message();
        Decision d;
        if (m.kind().requiresOwnMailbox()) {
            d = new Decision(Action.FAIL, Route.USER_SMTP, why);
        } else if (context.platform().get().ready()) {
            d = new Decision(Action.SEND, Route.PLATFORM, why + ": sent by the platform on the recruiter's behalf");
        } else {
            d = new Decision(Action.WAIT, Route.PLATFORM, why + " and the platform transport is not configured");
        }
        LOG.info("Message {} of user {}: {}", m.id(), m.userId(), d.reason());
        offer(new Job(m, d, job.account(), job.attempts()));
    }

    void invalidateUser(String userId) {
        Lane lane = lanes.get("user:" + userId);
        if (lane != null) {
            lane.invalidate();
        }
    }

    void invalidatePlatform() {
        Lane lane = lanes.get("platform");
        if (lane != null) {
            lane.invalidate();
        }
    }

    private void closeIdle(long idleMillis) {
        long now = System.currentTimeMillis();
        lanes.forEach((key, lane) -> {
            lane.closeIfIdle(now, idleMillis);
            if (lane.abandoned(now, Math.max(idleMillis, 600_000))) {
                lanes.remove(key, lane);
            }
        });
    }

    /** Stops taking messages, lets the messages being sent finish, and closes every connection. */
    void stop(long waitMillis) {
        stopping = true;
        timer.shutdownNow();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn("Outbox workers still busy after {} ms; interrupting them", waitMillis);
                pool.shutdownNow();
                pool.awaitTermination(waitMillis, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lanes.values().forEach(Lane::close);
        lanes.clear();
    }
}
