package io.talentats.email.replies.internal;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.talentats.email.mail.MailSessions;

/**
 * The collector's threads, a fixed few whatever the number of mailboxes: {@code workers} that connect and read
 * mailboxes; the IDLE selector's loop and its helpers; one timer (reconnects, liveness looks, lease renewals); one
 * recorder (batches into the database, at its pace). At most workers + 1 + (workers - 1) + 2 threads: 8 with the
 * default of 3 workers (3 workers, the loop, 2 helpers, timer, recorder). Helpers, workers and the recorder exist
 * only while they have work.
 */
final class CollectorThreads {

    private static final String SELECTOR = "talentats-replies-idle";

    final ThreadPoolExecutor workers;
    /**
     * IdleManager runs its select loop here, and a short task per IDLE it has to end when a worker reads a watched
     * folder (DONE and its answer, with a read timeout: not on the select thread, as a rule). A worker waits for at
     * most one such task at a time. There are helpers for all but one of the workers; when every helper is busy the
     * select loop ends that IDLE itself (a round trip its other folders wait for), so no task is ever refused.
     */
    final ThreadPoolExecutor selector;
    final ScheduledThreadPoolExecutor timer;
    /** Recording is the database's pace: one thread, there only while batches wait. */
    final ThreadPoolExecutor recorder;

    CollectorThreads(int workerCount, MailSessions sessions) {
        workers = new ThreadPoolExecutor(workerCount, workerCount, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                sessions.threads("talentats-replies-worker"));
        workers.allowCoreThreadTimeOut(true);
        selector = new ThreadPoolExecutor(1, 1 + Math.max(1, workerCount - 1), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), sessions.threads(SELECTOR), CollectorThreads::onTheSelectLoop);
        timer = new ScheduledThreadPoolExecutor(1, sessions.threads("talentats-replies-timer"));
        timer.setRemoveOnCancelPolicy(true);
        recorder = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                sessions.threads("talentats-replies-recorder"));
        recorder.allowCoreThreadTimeOut(true);
    }

    /** The most threads these pools hold at once. */
    int max() {
        return workers.getMaximumPoolSize() + selector.getMaximumPoolSize() + 2;
    }

    /** A helper task no helper is free for: run by the select loop that asked for it, never dropped. */
    private static void onTheSelectLoop(Runnable task, ThreadPoolExecutor pool) {
        if (Thread.currentThread().getName().startsWith(SELECTOR) && !pool.isShutdown()) {
            task.run();
            return;
        }
        throw new RejectedExecutionException("no IDLE selector thread free");
    }

    /** Stops the timer at once, lets workers finish what they read (10 s at most), then stops the rest. */
    void shutdown() {
        timer.shutdownNow();
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
    }
}
