package io.talentats.email.router.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import io.talentats.email.api.Account;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.StoredOutbound;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes due entries out of the outbox (leasing them), decides each one's route with the current state, and hands
 * them to the lanes. Wakes at once for a new message, else when the next entry falls due or at the poll interval.
 */
final class Dispatcher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    static final int BATCH = 200;

    private final MessageStore store;
    private final OutboxWorkers workers;
    private final String owner;
    private final Duration lease;
    private final long pollMillis;
    private final Function<String, Optional<Account>> accounts;
    private final BooleanSupplier connectivity;
    private final BooleanSupplier platformReady;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean signalled;
    private volatile boolean running = true;
    private final Thread thread;

    Dispatcher(MessageStore store, OutboxWorkers workers, String owner, Duration lease, long pollMillis,
            Function<String, Optional<Account>> accounts, BooleanSupplier connectivity, BooleanSupplier platformReady,
            java.util.concurrent.ThreadFactory threads) {
        this.store = store;
        this.workers = workers;
        this.owner = owner;
        this.lease = lease;
        this.pollMillis = pollMillis;
        this.accounts = accounts;
        this.connectivity = connectivity;
        this.platformReady = platformReady;
        this.thread = threads.newThread(this);
    }

    void start() {
        thread.start();
    }

    /** Something became due (a new message, connectivity back on): look now. */
    void signal() {
        lock.lock();
        try {
            signalled = true;
            wake.signal();
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        running = false;
        signal();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                if (!workers.hasRoom()) {
                    await(20);
                    continue;
                }
                List<StoredOutbound> due = store.claimDue(owner, BATCH, lease);
                if (due.isEmpty()) {
                    long wait = pollMillis;
                    Optional<Instant> next = store.nextDue();
                    if (next.isPresent()) {
                        wait = Math.max(1, Math.min(wait, next.get().toEpochMilli() - System.currentTimeMillis()));
                    }
                    await(wait);
                    continue;
                }
                boolean on = connectivity.getAsBoolean();
                boolean platform = platformReady.getAsBoolean();
                Map<String, Optional<Account>> seen = new HashMap<>();
                for (StoredOutbound m : due) {
                    Account account = seen.computeIfAbsent(m.userId(), accounts).orElse(null);
                    workers.offer(m, RoutingPolicy.decide(m.kind(), account, on, platform), account);
                }
            } catch (RuntimeException e) {
                LOG.error("The outbox dispatcher failed; trying again in a second", e);
                await(1000);
            }
        }
    }

    private void await(long millis) {
        lock.lock();
        try {
            if (!signalled && running) {
                wake.await(millis, TimeUnit.MILLISECONDS);
            }
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }
}
