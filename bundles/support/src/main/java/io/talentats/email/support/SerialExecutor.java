package io.talentats.email.support;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order given, on a shared pool: what one mailbox or one sender does happens in
 * sequence while many of them share a few threads. After {@code turn} tasks in a row it gives its pool thread up and
 * queues itself again, so one busy sequence never keeps a thread from the others. A task that throws is logged and
 * the next one still runs; a pool that refuses the drain (shut down) leaves the executor ready for a later task
 * instead of stuck.
 */
public final class SerialExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final int turn;
    private final Deque<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    /** Runs every queued task before giving the thread up. */
    public SerialExecutor(Executor pool) {
        this(pool, Integer.MAX_VALUE);
    }

    /** Gives the pool thread up after {@code turn} tasks when more are waiting. */
    public SerialExecutor(Executor pool, int turn) {
        this.pool = pool;
        this.turn = Math.max(1, turn);
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        try {
            pool.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                running = false;
                tasks.clear();
            }
            throw e;
        }
    }

    /** Tasks waiting, not counting one that is running. */
    public synchronized int queued() {
        return tasks.size();
    }

    /** Whether a task is running or waiting. */
    public synchronized boolean busy() {
        return running;
    }

    private void drain() {
        boolean finished = false;
        int done = 0;
        try {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = tasks.poll();
                    if (next == null) {
                        running = false;
                        finished = true;
                        return;
                    }
                    if (done++ == turn) {
                        tasks.addFirst(next);
                        finished = true;
                        break;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException e) {
                    LOG.error("A task failed; the tasks after it still run", e);
                }
            }
            // Our turn is over: queue the rest behind the other sequences waiting for the pool.
            try {
                pool.execute(this::drain);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    LOG.debug("The pool is shut down: {} tasks are dropped", tasks.size());
                    running = false;
                    tasks.clear();
                }
            }
        } finally {
            if (!finished) {
                // An Error escaped a task: the next execute() starts a new drain instead of finding us "running".
                synchronized (this) {
                    running = false;
                }
            }
        }
    }
}
