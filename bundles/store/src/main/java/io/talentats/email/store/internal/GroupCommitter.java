package io.talentats.email.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import io.talentats.email.support.Threads;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every write of the store on one thread and commits what arrived together in one transaction (group
 * commit). A durable commit costs the same for one change as for a hundred, so concurrent submits and deliveries
 * share it. Each change still succeeds or fails on its own: if one fails, the group is undone and every change is
 * applied alone. A caller that waits for its change returns only once it is committed.
 *
 * <p>The writer thread exists only while there is work: it starts with the first change and ends after
 * {@link #IDLE} without any, so a committer that its owner forgets (an activation that DS abandons) cannot keep a
 * thread alive. {@link #close()} lets accepted changes commit; a change submitted after it, or racing it, fails
 * at once rather than waiting forever.
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    /** Most changes in one transaction. */
    static final int MAX_GROUP = 256;
    /** How long the writer thread waits for work before it ends. */
    static final Duration IDLE = Duration.ofSeconds(5);
    /** How long a caller of {@link #apply} waits for its commit. */
    static final Duration WAIT = Duration.ofSeconds(60);
    private static final ThreadFactory THREADS = Threads.daemon("talentats-store-writer", null);

    /** One change: statements run on the writer's connection, inside the group's transaction. */
    @FunctionalInterface
    interface Change<T> {
        T apply(Connection c) throws SQLException;
    }

    private record Pending<T>(Change<T> change, CompletableFuture<T> done) {}

    private final DataSource dataSource;
    private final Duration idle;
    private final Object lock = new Object();
    // Guarded by lock.
    private final Deque<Pending<?>> queue = new ArrayDeque<>();
    private Thread writer;
    private boolean closed;

    GroupCommitter(DataSource dataSource) {
        this(dataSource, IDLE);
    }

    GroupCommitter(DataSource dataSource, Duration idle) {
        this.dataSource = dataSource;
        this.idle = idle;
    }

    /** Queues a change; the stage completes when it is committed (or fails with why it was not). */
    <T> CompletableFuture<T> submit(Change<T> change) {
        CompletableFuture<T> done = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                done.completeExceptionally(new IllegalStateException("the message store is stopped"));
                return done;
            }
            queue.add(new Pending<>(change, done));
            if (writer == null) {
                writer = THREADS.newThread(this::run);
                writer.start();
            } else {
                lock.notifyAll();
            }
        }
        return done;
    }

    /** Applies a change and waits (at most {@link #WAIT}) until it is committed. */
    <T> T apply(Change<T> change) throws SQLException {
        try {
            return submit(change).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the message store");
        } catch (TimeoutException e) {
            throw new IllegalStateException("the message store did not commit within " + WAIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException s) {
                throw s;
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw new CompletionException(cause);
        }
    }

    /** Whether a writer thread is running now (tests). */
    boolean writing() {
        synchronized (lock) {
            return writer != null;
        }
    }

    private void run() {
        List<Pending<?>> group = new ArrayList<>(MAX_GROUP);
        while (true) {
            synchronized (lock) {
                long idleUntil = System.nanoTime() + idle.toNanos();
                while (queue.isEmpty()) {
                    long left = idleUntil - System.nanoTime();
                    if (closed || left <= 0) {
                        writer = null;
                        lock.notifyAll();
                        return;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    } catch (InterruptedException e) {
                        // Only close() could mean this; finish what is queued first.
                        Thread.currentThread().interrupt();
                        if (queue.isEmpty()) {
                            writer = null;
                            lock.notifyAll();
                            return;
                        }
                    }
                }
                while (!queue.isEmpty() && group.size() < MAX_GROUP) {
                    group.add(queue.poll());
                }
            }
            try {
                commit(group);
            } catch (RuntimeException | Error e) {
                LOG.error("The message store writer failed", e);
                for (Pending<?> p : group) {
                    p.done().completeExceptionally(e);
                }
            } finally {
                group.clear();
            }
        }
    }

    private void commit(List<Pending<?>> group) {
        List<Object> results = new ArrayList<>(group.size());
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (Pending<?> p : group) {
                    results.add(p.change().apply(c));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                // One change failed: undo the group and apply each change on its own, so only that one fails.
                c.rollback();
                if (group.size() == 1) {
                    group.get(0).done().completeExceptionally(e);
                    return;
                }
                results.clear();
                for (Pending<?> p : group) {
                    results.add(alone(c, p));
                }
            }
        } catch (SQLException | RuntimeException e) {
            for (Pending<?> p : group) {
                p.done().completeExceptionally(e);
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            complete(group.get(i), results.get(i));
        }
    }

    /** Applies one change in a transaction of its own; returns its result or the exception that undid it. */
    private static Object alone(Connection c, Pending<?> p) throws SQLException {
        try {
            Object result = p.change().apply(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            return new Failure(e);
        }
    }

    private record Failure(Exception error) {}

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> p, Object result) {
        if (result instanceof Failure f) {
            p.done().completeExceptionally(f.error());
        } else {
            p.done().complete((T) result);
        }
    }

    /**
     * Lets the changes already accepted commit (waiting up to 10 s), then stops the writer. Changes still queued
     * after that fail; later submits fail at once.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
            t = writer;
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                LOG.warn("The message store writer did not finish within 10 s; interrupting it");
                t.interrupt();
            }
        }
        List<Pending<?>> left;
        synchronized (lock) {
            left = new ArrayList<>(queue);
            queue.clear();
        }
        for (Pending<?> p : left) {
            p.done().completeExceptionally(new IllegalStateException("the message store is stopped"));
        }
    }
}
