package io.talentats.email.replies.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.talentats.email.api.WatcherStatus;
import io.talentats.email.api.WatcherStatus.Mode;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.store.LeaseLostException;
import io.talentats.email.store.MailboxStats;
import io.talentats.email.store.WatchLeases;
import io.talentats.email.support.Backoff;
import io.talentats.email.support.SerialExecutor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watched mailbox as the engine runs it, however it is read: over IMAP ({@link Mailbox}) or polled through a
 * provider's API ({@link ApiMailbox}). What both keep: the way in, the serial executor everything of the mailbox
 * runs on, the watch lease it writes under, and the status the engine reports. The fields are written only by tasks
 * on the serial executor (the volatile ones are read by the status from any thread).
 */
abstract class Watched {

    private static final Logger LOG = LoggerFactory.getLogger(Watched.class);
    /** The first wait after a failed attempt; doubled for each further one, up to {@code max.backoff.s}. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    final String userId;
    final MailboxContext ctx;
    final SerialExecutor serial;
    /** The way into the mailbox: credentials, a refused token tried again, health recorded. */
    final AccountLogin login;
    /** Completed when the watcher has stopped and nothing of it is open any more. */
    final CompletableFuture<Void> closed = new CompletableFuture<>();
    /** The fencing token of the lease it is watched under; -1 without a lease. */
    private final long fencing;

    volatile boolean stopped;
    volatile Mode mode = Mode.CONNECTING;
    volatile Instant since = Instant.now();
    volatile int attempt;
    volatile Instant lastCheckAt;
    volatile String lastError;

    /** @param lease the watch lease this node holds for the mailbox, or {@code null} (tests) */
    Watched(String userId, MailboxContext ctx, WatchLeases.Lease lease) {
        this.userId = userId;
        this.ctx = ctx;
        this.serial = new SerialExecutor(ctx.workers());
        this.login = ctx.logins().apply(userId);
        this.fencing = lease == null ? -1 : lease.fencing();
    }

    final String userId() {
        return userId;
    }

    /** Starts reading: connect, catch up from the checkpoint, then wait for new mail. */
    abstract void start();

    /** Stops; the answer completes once nothing of it is open any more (a new watcher waits for that). */
    abstract CompletionStage<Void> stop();

    /** Whether it writes under {@code lease} (the same holding of it, however often renewed). */
    final boolean watchesUnder(WatchLeases.Lease lease) {
        return lease.fencing() == fencing;
    }

    /** What it is doing now; the counters come from the store. */
    final WatcherStatus status(MailboxStats stats) {
        return new WatcherStatus(userId, stopped ? Mode.STOPPED : mode, since, attempt, lastCheckAt,
                stats.lastReplyAt(), stats.repliesRecorded(), lastError);
    }

    final void enter(Mode m) {
        if (mode != m) {
            mode = m;
            since = Instant.now();
        }
    }

    /**
     * Whether {@code e} says another node took the mailbox over (a write under this node's lease was refused):
     * then this watcher is stopped, without a retry.
     */
    final boolean leaseLost(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LeaseLostException) {
                LOG.warn("Mailbox of user {}: {}; stopping", userId, t.getMessage());
                lastError = t.getMessage();
                stop();
                return true;
            }
        }
        return false;
    }

    /** A failure as the status says it: the classifier's words, else the exception's. */
    static String describe(Exception e) {
        io.talentats.email.mail.Diagnosis d = io.talentats.email.mail.MailFailures.classify(e, null);
        return d.detail() == null || d.detail().isBlank() ? String.valueOf(e.getMessage()) : d.detail();
    }

    /** The wait before the next attempt after {@link #attempt} failed ones. */
    final Duration backoff() {
        return Backoff.after(attempt, FIRST_BACKOFF, Duration.ofSeconds(ctx.config().max_backoff_s()));
    }
}
