package io.talentats.email.router.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Properties;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.router.internal.RoutingPolicy.Action;
import io.talentats.email.router.internal.RoutingPolicy.Decision;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.Delivery;
import io.talentats.email.store.StoredOutbound;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages of one sender (a recruiter's own SMTP server, or the platform) and the SMTP connection that sends
 * them. A lane is worked by at most one worker at a time, which keeps one connection busy for a burst; the
 * connection is closed when it has been idle for a while.
 */
final class Lane {

    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
    /** Messages a worker sends from one lane before letting other lanes have a turn. */
    private static final int TURN = 200;

    private final String key;
    private final Route route;
    private final String userId;
    private final OutboxWorkers workers;
    private final Deque<Job> queue = new ArrayDeque<>();
    private boolean scheduled;

    // Owned by the draining worker (at most one at a time), or by the idle closer while no worker drains.
    private Transport transport;
    private MailAccount account;
    private PlatformSettings platform;
    private SendingLimiter limiter;
    private long lastUsed = System.currentTimeMillis();
    private boolean markedUnhealthy;
    private volatile boolean invalid;

    Lane(String key, Route route, String userId, OutboxWorkers workers) {
        this.key = key;
        this.route = route;
        this.userId = userId;
        this.workers = workers;
    }

    void offer(Job job) {
        boolean start;
        synchronized (this) {
            queue.add(job);
            start = !scheduled;
            scheduled = true;
        }
        if (start) {
            workers.execute(this::drain);
        }
    }

    /** The account or platform settings changed: reconnect with the new ones before the next message. */
    void invalidate() {
        invalid = true;
    }

    private void drain() {
        int sent = 0;
        while (true) {
            Job job;
            synchronized (this) {
                job = workers.stopping() ? null : queue.poll();
                if (job == null) {
                    scheduled = false;
                    return;
                }
            }
            try {
                process(job);
            } catch (RuntimeException e) {
                // The store or something unexpected failed: leave the entry leased; it comes back after the lease.
                LOG.error("Delivering message {} failed unexpectedly; it will be retried", job.message().id(), e);
                closeTransport();
            } finally {
                workers.done(job);
            }
            if (++sent % TURN == 0) {
                synchronized (this) {
                    if (!queue.isEmpty()) {
                        workers.execute(this::drain);
                        return;
                    }
                }
            }
        }
    }

    /** Closes the connection if no worker is using it and it has been idle for {@code idle}. */
    synchronized void closeIfIdle(long now, long idleMillis) {
        if (!scheduled && transport != null && now - lastUsed > idleMillis) {
            closeTransport();
        }
    }

    synchronized boolean abandoned(long now, long idleMillis) {
        return !scheduled && queue.isEmpty() && transport == null && now - lastUsed > idleMillis;
    }

    synchronized void close() {
        closeTransport();
    }

    int queued() {
        synchronized (this) {
            return queue.size();
        }
    }

    private void process(Job job) {
        lastUsed = System.currentTimeMillis();
        StoredOutbound m = job.message();
        Decision d = job.decision();
        OutboxWorkers.Context ctx = workers.context();
        Instant now = ctx.clock().instant();
        switch (d.action()) {
            case HOLD -> {
                ctx.store().reschedule(m.id(), MessageStatus.HELD, null, job.attempts(), d.reason() + "; waiting",
                        null);
                return;
            }
            case FAIL -> {
                fail(job, job.attempts(), d.reason(), null);
                return;
            }
            case WAIT -> {
                retryLater(job, job.attempts(), d.reason(), null);
                return;
            }
            case SEND -> {
                // below
            }
        }
        if (invalid) {
            invalid = false;
            closeTransport();
            account = null;
            platform = null;
            limiter = null;
        }
        MimeBuilder.Envelope envelope;
        try {
            if (route == Route.USER_SMTP) {
                if (account == null) {
                    Optional<MailAccount> a = ctx.vault().open(userId);
                    if (a.isEmpty()) {
                        workers.reroute(job, "the email account was disconnected before the message was sent");
                        return;
                    }
                    account = a.get();
                }
                if (limiter == null) {
                    limiter = ctx.limiterFor(account, job.account());
                }
                Instant slot = limiter.reserve(now);
                if (slot.isAfter(now.plusMillis(20))) {
                    // It waits in the outbox and asks again when due; this slot stays free for others.
                    limiter.cancel(slot);
                    ctx.store().reschedule(m.id(), MessageStatus.QUEUED, slot, job.attempts(),
                            "waiting for the account's sending limit (" + limiter.limits() + ")", null);
                    return;
                }
                envelope = new MimeBuilder.Envelope(address(account.emailAddress(),
                        account.displayName() != null ? account.displayName() : m.senderName()), null);
            } else {
                if (platform == null) {
                    platform = ctx.platform().get();
                }
                if (!platform.ready()) {
                    retryLater(job, job.attempts(), "the platform transport is not configured", null);
                    return;
                }
                String name = job.account() != null && job.account().displayName() != null
                        ? job.account().displayName() : m.senderName();
                String replyTo = job.account() != null ? job.account().emailAddress() : m.senderAddress();
                envelope = new MimeBuilder.Envelope(address(platform.fromAddress(), platform.fromName(name)),
                        replyTo == null ? null : address(replyTo, name));
            }
        } catch (RuntimeException e) {
            retryLater(job, job.attempts(), "cannot prepare the sender: " + e.getMessage(), null);
            return;
        }

        int attempt = job.attempts() + 1;
        MimeMessage mime;
        String reply;
        try {
            mime = ctx.sessions().call(() -> {
                connect();
                MimeMessage built = MimeBuilder.build(session(), m, envelope);
                transport.sendMessage(built, built.getAllRecipients());
                return built;
            });
            reply = transport instanceof SMTPTransport s ? s.getLastServerResponse() : null;
        } catch (MessagingException | RuntimeException e) {
            String last = transport instanceof SMTPTransport s ? s.getLastServerResponse() : null;
            closeTransport();
            failed(job, attempt, SendFailure.of(e, last));
            return;
        }
        lastUsed = System.currentTimeMillis();
        SentCopy copy = SentCopy.NONE;
        if (route == Route.USER_SMTP) {
            copy = ctx.wantsSentCopy(account, job.account()) ? SentCopy.PENDING : SentCopy.SKIPPED;
            if (markedUnhealthy) {
                markedUnhealthy = false;
                ctx.vault().recordHealth(userId, AccountHealth.healthy());
            }
        }
        byte[] copyOfSent = null;
        if (copy == SentCopy.PENDING) {
            try {
                ByteArrayOutputStream raw = new ByteArrayOutputStream();
                mime.writeTo(raw);
                copyOfSent = raw.toByteArray();
            } catch (IOException | MessagingException e) {
                copy = SentCopy.FAILED;
                LOG.warn("Cannot keep a copy of sent message {} for the Sent folder: {}", m.id(), e.toString());
            }
        }
        // Recorded without waiting, so the next message can go at once; the event follows the commit.
        MailAccount sender = account;
        byte[] raw = copyOfSent;
        ctx.store().markSent(new Delivery(m.id(), route, d.reason(), envelope.from().toString(),
                envelope.replyTo() == null ? null : envelope.replyTo().toString(), attempt,
                reply == null ? null : reply.trim(), copy)).whenComplete((done, error) -> {
                    if (error != null) {
                        LOG.error("Message {} was sent but recording it failed; it will be sent again: {}", m.id(),
                                error.toString());
                        return;
                    }
                    ctx.events().post(EmailEvents.MESSAGE_SENT, m, route);
                    if (raw != null) {
                        ctx.appender().append(sender, new SentFolderAppender.Copy(m.id(), raw));
                    }
                });
    }

    private void failed(Job job, int attempt, SendFailure f) {
        OutboxWorkers.Context ctx = workers.context();
        String reason = f.reason() + (f.serverReply() == null ? "" : ": " + f.serverReply());
        switch (f.kind()) {
            case AUTHENTICATION -> {
                if (route == Route.PLATFORM) {
                    LOG.error("The platform SMTP server refused the platform login ({}): check {}", f.serverReply(),
                            PlatformConfig.PID);
                    retryLater(job, attempt, "the platform SMTP server refused the platform login", f.serverReply());
                    return;
                }
                ctx.vault().recordHealth(userId, new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING,
                        "the SMTP server refused the login" + (f.serverReply() == null ? "" : ": " + f.serverReply()),
                        ctx.clock().instant()));
                markedUnhealthy = true;
                account = null;
                if (!job.message().kind().requiresOwnMailbox() && ctx.config().auth_failure_fallback()) {
                    workers.reroute(new Job(job.message(), job.decision(), job.account(), attempt),
                            "the recruiter's SMTP server refused the login");
                } else {
                    fail(job, attempt, "the recruiter's SMTP server refused the login"
                            + (f.serverReply() == null ? "" : " (" + f.serverReply() + ")")
                            + ": update the password in Email Connection Settings, then retry the message",
                            f.serverReply());
                }
            }
            case PERMANENT -> fail(job, attempt, reason, f.serverReply());
            case TRANSIENT -> {
                if (route == Route.USER_SMTP && f.serverReply() == null && !markedUnhealthy) {
                    markedUnhealthy = true;
                    ctx.vault().recordHealth(userId, new AccountHealth(AccountHealth.State.UNREACHABLE, f.reason(),
                            ctx.clock().instant()));
                }
                retryLater(job, attempt, reason, f.serverReply());
            }
        }
    }

    private void retryLater(Job job, int attempts, String reason, String serverReply) {
        OutboxWorkers.Context ctx = workers.context();
        if (attempts >= ctx.config().retry_max_attempts()) {
            fail(job, attempts, "gave up after " + attempts + " attempts: " + reason, serverReply);
            return;
        }
        Duration wait = Backoff.after(Math.max(1, attempts), ctx.config().retry_initial_delay_ms(),
                ctx.config().retry_max_delay_ms());
        ctx.store().reschedule(job.message().id(), MessageStatus.RETRYING, ctx.clock().instant().plus(wait),
                attempts, reason + "; next attempt in " + wait.toSeconds() + " s", serverReply);
    }

    private void fail(Job job, int attempts, String reason, String serverReply) {
        OutboxWorkers.Context ctx = workers.context();
        ctx.store().markFailed(job.message().id(), attempts, reason, serverReply);
        ctx.events().post(EmailEvents.MESSAGE_FAILED, job.message(), route);
        LOG.info("Message {} of user {} failed: {}", job.message().id(), job.message().userId(), reason);
    }

    private Session session;

    private Session session() {
        return session;
    }

    private void connect() throws MessagingException {
        if (transport != null && transport.isConnected()) {
            return;
        }
        closeTransport();
        OutboxWorkers.Context ctx = workers.context();
        Endpoint ep;
        String user;
        String password;
        if (route == Route.USER_SMTP) {
            ep = account.smtp();
            user = account.username();
            password = user == null || account.password() == null ? null : account.password().reveal();
        } else {
            ep = platform.endpoint();
            user = platform.username();
            password = user == null || platform.password() == null ? null : platform.password().reveal();
        }
        // Without a login name, no password either: Jakarta Mail would otherwise log in as the OS user.
        Properties props = ctx.sessions().properties(Protocol.SMTP, ep);
        props.put("mail.smtp.auth", Boolean.toString(user != null));
        session = Session.getInstance(props);
        transport = session.getTransport("smtp");
        transport.connect(ep.host(), ep.port(), user, password);
    }

    private void closeTransport() {
        Transport t = transport;
        transport = null;
        if (t != null) {
            try {
                t.close();
            } catch (MessagingException | RuntimeException ignored) {
                // closing a connection that is no longer wanted
            }
        }
    }

    private static InternetAddress address(String address, String name) {
        try {
            return name == null || name.isBlank() ? new InternetAddress(address, true)
                    : new InternetAddress(address, name, "UTF-8");
        } catch (UnsupportedEncodingException | jakarta.mail.internet.AddressException e) {
            throw new IllegalStateException("invalid sender address " + address, e);
        }
    }

    @Override
    public String toString() {
        return "Lane[" + key + "]";
    }
}
