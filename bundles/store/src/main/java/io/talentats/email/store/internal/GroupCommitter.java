package io.talentats.email.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every write of the store on one thread and commits what arrived together in one transaction (group
 * commit). A durable commit costs the same for one change as for a hundred, so concurrent submits and deliveries
 * share it. Each change still succeeds or fails on its own: if one fails, the group is undone and every change is
 * applied alone. A caller that waits for its change returns only once it is committed.
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);
    /** Most changes in one transaction. */
    static final int MAX_GROUP = 256;

    /** One change: statements run on the writer's connection, inside the group's transaction. */
    @FunctionalInterface
    interface Change<T> {
        T apply(Connection c) throws SQLException;
    }

    private record Pending<T>(Change<T> change, CompletableFuture<T> done) {}

    private final DataSource dataSource;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private volatile boolean running = true;

    GroupCommitter(DataSource dataSource) {
        this.dataSource = dataSource;
        this.writer = new Thread(this::run, "talentats-store-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Queues a change; the stage completes when it is committed (or fails with why it was not). */
    <T> CompletableFuture<T> submit(Change<T> change) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (!running) {
            done.completeExceptionally(new IllegalStateException("the message store is stopped"));
            return done;
        }
        queue.add(new Pending<>(change, done));
        return done;
    }

    /** Applies a change and waits until it is committed. */
    <T> T apply(Change<T> change) throws SQLException {
        try {
            return submit(change).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the message store");
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

    private void run() {
        List<Pending<?>> group = new ArrayList<>(MAX_GROUP);
        while (running || !queue.isEmpty()) {
            try {
                Pending<?> first = queue.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                queue.drainTo(group, MAX_GROUP - 1);
                commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                LOG.error("The message store writer failed", e);
            } finally {
                group.clear();
            }
        }
        Pending<?> left;
        while ((left = queue.poll()) != null) {
            left.done().completeExceptionally(new IllegalStateException("the message store is stopped"));
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

    @Override
    public void close() {
        running = false;
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
