package io.talentats.email.replies.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.api.WatcherStatus.Mode;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.MailFailures;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.runtime.Backoff;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.runtime.SerialExecutor;
import io.talentats.email.store.ReplyStore.Recorded;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watched mailbox: connect, catch up from the checkpoint, then wait for new mail with IDLE (or poll), and start
 * over with backoff when anything breaks. Everything it does runs in sequence on its own {@link SerialExecutor};
 * the connection is read only, with BODY.PEEK, so the recruiter's mail is never marked read, moved or deleted.
 */
final class Mailbox {

    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    private static final List<String> NEVER_READ = List.of("\\Sent", "\\Drafts", "\\Trash", "\\Junk", "\\All");

    private final String userId;
    private final MailboxContext ctx;
    private final SerialExecutor serial;
    private final FolderReader reader;
    private final AtomicBoolean syncQueued = new AtomicBoolean();
    private volatile boolean stopped;

    private Store store;
    private final List<IMAPFolder> folders = new ArrayList<>();
    private MailAccount account;
    private ScheduledFuture<?> timer;
    private int failures;
    private boolean markedUnhealthy;

    private volatile Mode mode = Mode.STARTING;
    private volatile Instant lastCheckAt;
    private volatile Instant lastReplyAt;
    private volatile long repliesCollected;
    private volatile String lastError;

    Mailbox(String userId, MailboxContext ctx) {
        this.userId = userId;
        this.ctx = ctx;
        this.serial = new SerialExecutor(ctx.workers());
        this.reader = new FolderReader(userId, ctx, this::collected);
    }

    String userId() {
        return userId;
    }

    WatcherStatus status() {
        return new WatcherStatus(userId, stopped ? Mode.STOPPED : mode, lastCheckAt, lastReplyAt, repliesCollected,
                lastError);
    }

    void start() {
        serial.execute(this::connectAndSync);
    }

    void stop() {
        stopped = true;
        serial.execute(this::close);
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

    private void connectAndSync() {
        if (stopped) {
            return;
        }
        LOG.debug("Connecting to the mailbox of user {}", userId);
        mode = Mode.STARTING;
        try {
            Optional<MailAccount> a = ctx.vault().open(userId);
            if (a.isEmpty()) {
                stopped = true;
                return;
            }
            account = a.get();
            Properties props = ctx.sessions().properties(Protocol.IMAP, account.imap());
            // IdleManager needs socket channels: no plain socket factory (TLS is still layered by ours).
            props.remove("mail.imap.socketFactory");
            props.put("mail.imap.usesocketchannels", "true");
            props.put("mail.event.scope", "session");
            props.put("mail.event.executor", ctx.workers());
            Session session = ctx.sessions().session(props);
            ctx.sessions().call(() -> {
                store = session.getStore("imap");
                store.connect(account.imap().host(), account.imap().port(), account.username(),
                        account.password().reveal());
                for (String name : ctx.folders()) {
                    IMAPFolder f = (IMAPFolder) store.getFolder(name);
                    if (!f.exists() || neverRead(f)) {
                        continue;
                    }
                    f.open(Folder.READ_ONLY);
                    f.addMessageCountListener(new MessageCountAdapter() {
                        @Override
                        public void messagesAdded(MessageCountEvent e) {
                            LOG.debug("New mail in {} of user {}", f.getFullName(), userId);
                            requestSync();
                        }
                    });
                    folders.add(f);
                }
                return null;
            });
            if (markedUnhealthy) {
                markedUnhealthy = false;
                ctx.states().recordHealth(userId, AccountHealth.healthy());
            }
            failures = 0;
            lastError = null;
            syncAndWatch();
        } catch (MessagingException | RuntimeException e) {
            Diagnosis d = MailFailures.classify(e, null);
            if (d.loginRefused()) {
                loginRefused(d);
            } else {
                failed(e);
            }
        }
    }

    private static boolean neverRead(IMAPFolder f) throws MessagingException {
        return Arrays.stream(f.getAttributes()).anyMatch(a -> NEVER_READ.stream().anyMatch(a::equalsIgnoreCase));
    }

    private void syncAndWatch() {
        if (stopped || store == null) {
            return;
        }
        try {
            for (IMAPFolder f : folders) {
                reader.sync(f, account);
            }
            lastCheckAt = Instant.now();
            watch();
            LOG.debug("Mailbox of user {} read up to date; watching with {}", userId, mode);
        } catch (MessagingException | RuntimeException e) {
            failed(e);
        }
    }

    private void watch() throws MessagingException {
        cancelTimer();
        CollectorConfig c = ctx.config();
        boolean idle = c.idle() && store instanceof IMAPStore s && s.hasCapability("IDLE");
        if (idle) {
            for (IMAPFolder f : folders) {
                ctx.sessions().call(() -> {
                    ctx.idleManager().watch(f);
                    return null;
                });
            }
            mode = Mode.IDLE;
            timer = ctx.scheduler().schedule(this::requestSync, c.refresh_minutes(), TimeUnit.MINUTES);
        } else {
            mode = Mode.POLL;
            timer = ctx.scheduler().schedule(this::requestSync, c.poll_interval_s(), TimeUnit.SECONDS);
        }
    }

    /** A reply was recorded (on the recorder thread). */
    private void collected(Recorded r) {
        repliesCollected++;
        lastReplyAt = Instant.now();
        ctx.announce().accept(r);
    }

    /** The server refused the login: the recruiter must act; try again much later, not with backoff. */
    private void loginRefused(Diagnosis d) {
        lastError = "the IMAP server refused the login" + (d.serverReply() == null ? "" : ": " + d.serverReply());
        ctx.states().recordHealth(userId, new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING, lastError,
                Instant.now()));
        markedUnhealthy = true;
        retryLater(Duration.ofMinutes(ctx.config().auth_retry_minutes()));
    }

    private void failed(Exception e) {
        lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        failures++;
        Duration wait = Backoff.after(failures, Duration.ofSeconds(1), Duration.ofSeconds(ctx.config().max_backoff_s()));
        LOG.info("Mailbox of user {}: {}; reconnecting in {} ms", userId, lastError, wait.toMillis());
        retryLater(wait);
    }

    private void retryLater(Duration wait) {
        close();
        if (stopped) {
            return;
        }
        mode = Mode.BACKING_OFF;
        timer = ctx.scheduler().schedule(() -> serial.execute(this::connectAndSync), wait.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void close() {
        cancelTimer();
        for (IMAPFolder f : folders) {
            try {
                if (f.isOpen()) {
                    f.close(false);
                }
            } catch (MessagingException | RuntimeException ignored) {
                // closing
            }
        }
        folders.clear();
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException | RuntimeException ignored) {
                // closing
            }
            store = null;
        }
        if (stopped) {
            mode = Mode.STOPPED;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
