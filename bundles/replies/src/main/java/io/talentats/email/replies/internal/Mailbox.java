package io.talentats.email.replies.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.talentats.email.api.WatcherStatus.Mode;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.runtime.CredentialUnavailableException;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.support.SerialExecutor;
import io.talentats.email.store.WatchLeases;

import jakarta.mail.MessagingException;
import jakarta.mail.Store;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watched mailbox and its connection: connect, catch up from the checkpoint, then wait for new mail with IDLE
 * (or poll). A connection that closes (the server ends the session, a reset, a BYE) is noticed at once: the
 * {@link WatchedStore} tells it, as it tells of new mail; one that goes silent is found by a NOOP every
 * {@code liveness.interval.s}, which the read timeout bounds. Either way the watcher reconnects at once, then with
 * backoff, and catches up from its checkpoint, so nothing is missed and nothing doubled. Everything it does runs in
 * sequence on its own {@link SerialExecutor}; the connection is read only, with BODY.PEEK, so the recruiter's mail
 * is never marked read, moved or deleted.
 */
final class Mailbox extends Watched {

    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    /** How soon after a read that found mail (or a reconnect) the mailbox is read once more. */
    static final Duration SETTLE = Duration.ofSeconds(1);

    private final FolderReader reader;
    private final AtomicBoolean syncQueued = new AtomicBoolean();
    /** Which connection is current: events of a connection we replaced or closed ourselves are ignored. */
    private volatile int generation;

    // Used only by tasks on the serial executor.
    private Store store;
    /** The folders watched on the connection now; none while it is closed. */
    private WatchedFolders folders = WatchedFolders.NONE;
    private MailAccount account;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> liveness;
    private ScheduledFuture<?> recycle;
    /** The token expiry the watcher last logged in again for. */
    private Instant recycledFor;

    /** A mailbox watched without a lease (tests). */
    Mailbox(String userId, MailboxContext ctx) {
        this(userId, ctx, null);
    }

    /** @param lease the watch lease this node holds for the mailbox; every write is made under it */
    Mailbox(String userId, MailboxContext ctx, WatchLeases.Lease lease) {
        super(userId, ctx, lease);
        this.reader = new FolderReader(userId, ctx, ctx.announce(), lease);
    }

    @Override
    void start() {
        serial.execute(this::connect);
    }

    @Override
    CompletionStage<Void> stop() {
        stopped = true;
        serial.execute(() -> {
            close(false);
            enter(Mode.STOPPED);
            closed.complete(null);
        });
        return closed;
    }

    /** New mail was announced (IDLE) or the poll/refresh timer fired: read what is new. */
    void requestSync() {
        if (!stopped && syncQueued.compareAndSet(false, true)) {
            serial.execute(() -> {
                syncQueued.set(false);
                syncAndWatch();
            });
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        enter(lastCheckAt == null && attempt == 0 ? Mode.CONNECTING : Mode.RECONNECTING);
        LOG.debug("Connecting to the mailbox of user {} (attempt {})", userId, attempt + 1);
        int gen = ++generation;
        try {
            Optional<MailAccount> a = login.account();
            if (a.isEmpty()) {
                stopped = true;
                enter(Mode.STOPPED);
                return;
            }
            account = a.get();
            store = login.openStore(session -> new WatchedStore(session, signals(gen)), true);
            // The login may have opened the account again (a refused token): read with the one it logged in with
            account = login.account().orElse(account);
            folders = ctx.sessions().call(() -> WatchedFolders.open(store, ctx.folders()));
            login.worked();
            syncAndWatch();
        } catch (CredentialUnavailableException e) {
            if (e.needsSignIn()) {
                signInNeeded(e);
            } else {
                failed(e);
            }
        } catch (MessagingException | RuntimeException e) {
            // A refused access token was already tried again with a fresh one; the login records a refusal
            Diagnosis d = login.failed(Protocol.IMAP, e, null);
            if (d.loginRefused()) {
                loginRefused(d);
            } else {
                failed(e);
            }
        }
    }

    /** The OAuth grant was refused: only a new sign-in helps, which saves the account and restarts the watcher. */
    private void signInNeeded(CredentialUnavailableException e) {
        lastError = e.getMessage();
        attempt++;
        retryLater(Mode.AUTH_FAILING, Duration.ofMinutes(ctx.config().auth_retry_minutes()));
    }

    /**
     * Before an OAuth account's access token expires, the watcher logs out and in again with a new one (servers
     * such as Exchange end a session whose token expired); the reconnect reads from the checkpoint.
     */
    private void scheduleRecycle() {
        if (account == null || account.secretExpiresAt() == null
                || account.secretExpiresAt().equals(recycledFor)) {
            // Logged in again and got the same token (it could not be renewed): let the server say when it ends.
            return;
        }
        long in = Duration.between(Instant.now(), account.secretExpiresAt().minus(MailAccess.TOKEN_SKEW)).toMillis();
        int gen = generation;
        recycle = ctx.scheduler().schedule(() -> serial.execute(() -> {
            if (gen == generation && !stopped) {
                LOG.debug("Mailbox of user {}: access token expires soon; logging in again", userId);
                recycledFor = account.secretExpiresAt();
                close(false);
                attempt = 0;
                connect();
            }
        }), Math.max(0, in), TimeUnit.MILLISECONDS);
    }

    /**
     * What the connection of generation {@code gen} tells: new mail, or that it closed (if it is still ours,
     * reconnect). Called on the thread that learns it; only hands work to the serial executor.
     */
    private WatchedStore.Signals signals(int gen) {
        return new WatchedStore.Signals() {
            @Override
            public void newMail(String folder) {
                if (gen == generation) {
                    LOG.debug("New mail in {} of user {}", folder, userId);
                    requestSync();
                }
            }

            @Override
            public void closed(String why) {
                if (gen != generation || stopped) {
                    return;
                }
                // The error first: a status read now shows RECONNECTING with why, never without.
                lastError = why;
                enter(Mode.RECONNECTING);
                serial.execute(() -> lost(gen, why));
            }
        };
    }

    /** The connection of generation {@code gen} is gone: reconnect now; backoff starts if that fails. */
    private void lost(int gen, String why) {
        if (gen != generation || stopped) {
            return;
        }
        LOG.info("Mailbox of user {}: {}; reconnecting", userId, why);
        lastError = why;
        close(true);
        attempt = 0;
        connect();
    }

    private void syncAndWatch() {
        if (stopped || store == null) {
            return;
        }
        try {
            int fresh = 0;
            for (IMAPFolder f : folders.list()) {
                fresh += reader.sync(f, account);
            }
            boolean reconnected = attempt > 0 || mode == Mode.CONNECTING || mode == Mode.RECONNECTING;
            lastCheckAt = Instant.now();
            attempt = 0;
            lastError = null;
            watch();
            if (fresh > 0 || reconnected) {
                // Mail that arrives between the read and the start of IDLE may not be announced by the server
                // until its next own check (Dovecot: 30 s): look once more shortly after. That read finds nothing
                // and schedules no further look.
                ctx.scheduler().schedule(this::requestSync, SETTLE.toMillis(), TimeUnit.MILLISECONDS);
            }
            LOG.debug("Mailbox of user {} read up to date; watching with {}", userId, mode);
        } catch (MessagingException | RuntimeException e) {
            failed(e);
        }
    }

    private void watch() throws MessagingException {
        cancelTimers();
        scheduleRecycle();
        CollectorConfig c = ctx.config();
        boolean idle = c.idle() && folders.idleOffered();
        if (idle) {
            for (IMAPFolder f : folders.list()) {
                ctx.sessions().call(() -> {
                    ctx.idleSelector().watch(f);
                    return null;
                });
            }
            enter(Mode.IDLE);
            // RFC 2177: IDLE is renewed before 29 minutes; the refresh also reads the mailbox again.
            timer = ctx.scheduler().schedule(this::requestSync, Math.min(29, c.refresh_minutes()), TimeUnit.MINUTES);
            long every = Math.max(1, c.liveness_interval_s());
            int gen = generation;
            liveness = ctx.scheduler().scheduleWithFixedDelay(() -> serial.execute(() -> checkAlive(gen)), every,
                    every, TimeUnit.SECONDS);
        } else {
            enter(Mode.POLL);
            timer = ctx.scheduler().schedule(this::requestSync, c.poll_interval_s(), TimeUnit.SECONDS);
        }
    }

    /**
     * A look at every watched folder while idling, on the watched connection itself ({@link WatchedFolders#changed}):
     * a folder renumbered or changed in the look, or a peer that stopped answering, makes the watcher reconnect
     * and read from its checkpoint; otherwise IDLE resumes.
     */
    private void checkAlive(int gen) {
        if (gen != generation || stopped || store == null || mode != Mode.IDLE) {
            return;
        }
        try {
            for (IMAPFolder f : folders.list()) {
                String changed = ctx.sessions().call(() -> {
                    String why = WatchedFolders.changed(f);
                    if (why == null) {
                        ctx.idleSelector().watch(f);
                    }
                    return why;
                });
                if (changed != null) {
                    lost(gen, changed);
                    return;
                }
            }
            lastCheckAt = Instant.now();
        } catch (MessagingException | RuntimeException e) {
            if (gen == generation && !stopped) {
                lost(gen, "the server stopped answering (" + describe(e) + ")");
            }
        }
    }

    /** The server refused the login: the recruiter must act; try again much later, not with backoff. */
    private void loginRefused(Diagnosis d) {
        lastError = "the IMAP server refused the login" + (d.serverReply() == null ? "" : ": " + d.serverReply());
        attempt++;
        retryLater(Mode.AUTH_FAILING, Duration.ofMinutes(ctx.config().auth_retry_minutes()));
    }

    private void failed(Exception e) {
        if (leaseLost(e)) {
            return;
        }
        lastError = describe(e);
        attempt++;
        Duration wait = backoff();
        LOG.info("Mailbox of user {}: {}; trying again in {} ms (attempt {})", userId, lastError, wait.toMillis(),
                attempt);
        retryLater(Mode.BACKING_OFF, wait);
    }

    private void retryLater(Mode waiting, Duration wait) {
        close(true);
        if (stopped) {
            return;
        }
        enter(waiting);
        timer = ctx.scheduler().schedule(() -> serial.execute(this::connect), wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Closes the connection. {@code lost}: it is broken or silent, so nothing is sent to the server (a LOGOUT to a
     * silent peer would wait the whole read timeout).
     */
    private void close(boolean lost) {
        generation++;
        cancelTimers();
        folders.close(lost);
        folders = WatchedFolders.NONE;
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException | RuntimeException ignored) {
                // closing
            }
            store = null;
        }
    }

    private void cancelTimers() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (liveness != null) {
            liveness.cancel(false);
            liveness = null;
        }
        if (recycle != null) {
            recycle.cancel(false);
            recycle = null;
        }
    }
}
