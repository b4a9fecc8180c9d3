package io.talentats.email.router.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.talentats.email.api.Account;
import io.talentats.email.api.Route;
import io.talentats.email.router.internal.RoutingPolicy.Action;
import io.talentats.email.router.internal.RoutingPolicy.Decision;
import io.talentats.email.store.StoredOutbound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounded pool of workers and the lanes they work: one lane per sender, so each SMTP connection is reused for a
 * sender's burst and a slow or rate-limited sender never holds up the others.
 */
final class OutboxWorkers implements Lane.Host {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxWorkers.class);
    /** A lane unused this long, with nothing waiting and no connection, is dropped. */
    private static final long ABANDONED_MILLIS = 600_000;

    private final LaneContext context;
    /** This node's name in the outbox's leases. */
    private final String owner;
    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService timer;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final Backlog backlog = new Backlog();
    private volatile boolean stopping;

    OutboxWorkers(LaneContext context, String owner, int workers, long smtpIdleCloseMillis) {
        this.context = context;
        this.owner = owner;
        this.pool = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                context.sessions().threads("talentats-outbox-worker"));
        this.pool.allowCoreThreadTimeOut(true);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1,
                context.sessions().threads("talentats-outbox-idle"));
        t.setRemoveOnCancelPolicy(true);
        this.timer = t;
        long every = Math.max(100, Math.min(smtpIdleCloseMillis / 2, 1000));
        timer.scheduleWithFixedDelay(() -> closeIdle(smtpIdleCloseMillis), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean stopping() {
        return stopping;
    }

    /** Whether lanes may be handed more messages from memory (see {@link Backlog}). */
    boolean hasRoom() {
        return backlog.hasRoom();
    }

    @Override
    public void done(Job job) {
        if (backlog.remove(job.message())) {
            // Claimed again while this job ran (released from HELD meanwhile, or its lease ran out): that claim was
            // not handed over, so give it back rather than leave it leased until the lease runs out
            context.store().releaseClaim(job.message().id(), owner);
        }
    }

    /** Hands a message to its lane, unless it is already waiting there (claimed again after its lease ran out). */
    void offer(StoredOutbound m, Decision d, Account account) {
        if (!backlog.addClaimed(m)) {
            LOG.debug("Message {} is already waiting in its lane", m.id());
            return;
        }
        toLane(new Job(m, d, account, m.attempts()));
    }

    /**
     * Offers the job to its sender's lane. Offering happens inside the map's update of that key, so a lane is never
     * dropped as abandoned between being found and being offered the job.
     */
    private void toLane(Job job) {
        String userId = job.decision().route() == Route.PLATFORM ? null : job.message().userId();
        String key = userId == null ? "platform" : "user:" + userId;
        lanes.compute(key, (k, lane) -> {
            Lane l = lane != null ? lane
                    : new Lane(k, userId == null ? Route.PLATFORM : Route.USER_SMTP, userId, this, context, pool);
            l.offer(job);
            return l;
        });
    }

    /**
     * A system message that cannot go through the recruiter's server (disconnected, login refused) goes through
     * the platform on their behalf; a custom message fails.
     */
    @Override
    public void reroute(Job job, String why) {
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
        backlog.add(m);
        toLane(new Job(m, d, job.account(), job.attempts()));
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
        for (String key : lanes.keySet()) {
            lanes.computeIfPresent(key, (k, lane) -> {
                lane.closeIfIdle(now, idleMillis);
                return lane.abandoned(now, Math.max(idleMillis, ABANDONED_MILLIS)) ? null : lane;
            });
        }
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
