package io.talentats.email.router.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.router.internal.RoutingPolicy.Decision;
import io.talentats.email.runtime.CredentialUnavailableException;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.runtime.SerialExecutor;
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
 * them. Everything a lane does (sending, reconnecting, closing an idle connection) runs in order on its own
 * {@link SerialExecutor}, which keeps one connection busy for a burst and needs no lock around the connection;
 * after {@link #TURN} messages the lane lets other lanes have the worker.
 */
final class Lane {

    private static final Logger LOG = LoggerFactory.getLogger(Lane.class);
    /** Messages a worker sends from one lane before letting other lanes have a turn. */
    static final int TURN = 200;

    /** What a lane asks of the workers that own it. */
    interface Host {
        /** A job was processed (sent, rescheduled, failed or handed on). */
        void done(Job job);

        /** Hands a job to the route it should take instead. */
        void reroute(Job job, String why);

        /** The outbox is stopping: jobs still waiting stay in the outbox for the next start. */
        boolean stopping();
    }

    private final String key;
    private final Route route;
    private final String userId;
    private final Host host;
    private final LaneContext ctx;
    private final SerialExecutor serial;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile long lastUsed = System.currentTimeMillis();
    private volatile boolean connected;
    private volatile boolean invalid;

    // Used only by tasks on the serial executor (or after the workers stopped).
    private Session session;
    private Transport transport;
    private MailAccount account;
    private PlatformSettings platform;
    private SendingLimiter limiter;
    /** The send time the limiter gave the message being sent; moved to when the server accepted it. */
    private Instant slot;
    private boolean markedUnhealthy;
    /** An XOAUTH2 login was refused once and the token handed back for a refresh; a second refusal is real. */
    private boolean tokenRejected;

    /** How long before its expiry an access token is no longer used for a new connection. */
    static final java.time.Duration TOKEN_SKEW = java.time.Duration.ofSeconds(5);

    Lane(String key, Route route, String userId, Host host, LaneContext ctx, Executor workers) {
        this.key = key;
        this.route = route;
        this.userId = userId;
        this.host = host;
        this.ctx = ctx;
        this.serial = new SerialExecutor(workers, TURN);
    }

    void offer(Job job) {
        waiting.incrementAndGet();
        serial.execute(() -> run(job));
    }

    /** The account or platform settings changed: reconnect with the new ones before the next message. */
    void invalidate() {
        invalid = true;
    }

    /** Closes the connection once it has been idle for {@code idleMillis}, in turn with the lane's messages. */
    void closeIfIdle(long now, long idleMillis) {
        if (connected && !serial.busy() && now - lastUsed > idleMillis) {
            serial.execute(() -> {
                if (System.currentTimeMillis() - lastUsed > idleMillis) {
                    closeTransport();
                }
            });
        }
    }

    /** Nothing waiting, nothing connected, unused for {@code idleMillis}: the lane can be dropped. */
    boolean abandoned(long now, long idleMillis) {
        return waiting.get() == 0 && !serial.busy() && !connected && now - lastUsed > idleMillis;
    }

    /** Closes the connection; only once the workers have stopped. */
    void close() {
        closeTransport();
    }

    private void run(Job job) {
        waiting.decrementAndGet();
        try {
            if (!host.stopping()) {
                process(job);
            }
        } catch (RuntimeException e) {
            // The store or something unexpected failed: leave the entry leased; it comes back after the lease.
            LOG.error("Delivering message {} failed unexpectedly; it will be retried", job.message().id(), e);
            closeTransport();
        } finally {
            lastUsed = System.currentTimeMillis();
            host.done(job);
        }
    }

    private void process(Job job) {
        Decision d = job.decision();
        switch (d.action()) {
            case HOLD -> {
                ctx.store().reschedule(job.message().id(), MessageStatus.HELD, null, job.attempts(),
                        d.reason() + "; waiting", null);
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
            envelope = route == Route.USER_SMTP ? recruiterEnvelope(job) : platformEnvelope(job);
        } catch (RuntimeException e) {
            retryLater(job, job.attempts(), "cannot prepare the sender: " + e.getMessage(), null);
            return;
        }
        if (envelope != null) {
            send(job, envelope);
        }
    }

    /** From the recruiter's own address; {@code null} when the job was handled otherwise (rerouted, limited). */
    private MimeBuilder.Envelope recruiterEnvelope(Job job) {
        StoredOutbound m = job.message();
        if (account == null || expiring(account)) {
            Optional<MailAccount> a;
            try {
                a = ctx.vault().open(userId);
            } catch (CredentialUnavailableException e) {
                credentialUnavailable(job, e);
                return null;
            }
            if (a.isEmpty()) {
                host.reroute(job, "the email account was disconnected before the message was sent");
                return null;
            }
            account = a.get();
        }
        Instant now = ctx.clock().instant();
        if (limiter == null) {
            limiter = ctx.rules().limiterFor(account, now);
        }
        Instant slot = limiter.reserve(now);
        this.slot = slot;
        if (slot.isAfter(now.plusMillis(20))) {
            this.slot = null;
            // It waits in the outbox and asks again when due; this slot stays free for others.
            limiter.cancel(slot);
            ctx.store().reschedule(m.id(), MessageStatus.QUEUED, slot, job.attempts(),
                    "waiting for the account's sending limit (" + limiter.limits() + ")", null);
            return null;
        }
        return new MimeBuilder.Envelope(address(account.emailAddress(),
                account.displayName() != null ? account.displayName() : m.mail().senderName()), null);
    }

    /** Whether an OAuth account's token expires too soon to log in with. */
    private boolean expiring(MailAccount a) {
        return a.secretExpiresAt() != null
                && !a.secretExpiresAt().isAfter(ctx.clock().instant().plus(TOKEN_SKEW));
    }

    /**
     * The OAuth grant cannot give a token: after a refused grant custom mail waits (held) for a new sign-in and stage
     * mail takes the platform route; when the token endpoint is only unreachable, the message is tried again later.
     */
    private void credentialUnavailable(Job job, CredentialUnavailableException e) {
        if (!e.needsSignIn()) {
            retryLater(job, job.attempts(), e.getMessage(), null);
            return;
        }
        if (!job.message().kind().requiresOwnMailbox() && ctx.authFailureFallback()) {
            host.reroute(job, "the recruiter must sign in again (" + e.getMessage() + ")");
        } else {
            ctx.store().reschedule(job.message().id(), MessageStatus.HELD, null, job.attempts(),
                    "waiting for the recruiter to sign in again: " + e.getMessage(), null);
        }
    }

    /** From the platform on the recruiter's behalf, replies to the recruiter; {@code null} when not configured. */
    private MimeBuilder.Envelope platformEnvelope(Job job) {
        StoredOutbound m = job.message();
        if (platform == null) {
            platform = ctx.platform().get();
        }
        if (!platform.ready()) {
            retryLater(job, job.attempts(), "the platform transport is not configured", null);
            return null;
        }
        String name = job.account() != null && job.account().displayName() != null
                ? job.account().displayName() : m.mail().senderName();
        String replyTo = job.account() != null ? job.account().emailAddress() : m.mail().senderAddress();
        return new MimeBuilder.Envelope(address(platform.fromAddress(), platform.fromName(name)),
                replyTo == null ? null : address(replyTo, name), platform.envelopeFrom(m.mail().replyToken()));
    }

    private void send(Job job, MimeBuilder.Envelope envelope) {
        int attempt = job.attempts() + 1;
        MimeMessage mime;
        String reply;
        try {
            mime = ctx.sessions().call(() -> {
                connect();
                MimeMessage built = MimeBuilder.build(session, job.message(), envelope);
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
        sent(job, attempt, envelope, mime, reply);
    }

    /** Records the delivery without waiting, so the next message can go at once; the event follows the commit. */
    private void sent(Job job, int attempt, MimeBuilder.Envelope envelope, MimeMessage mime, String reply) {
        StoredOutbound m = job.message();
        Decision d = job.decision();
        SentCopy copy = SentCopy.NONE;
        byte[] raw = null;
        if (route == Route.USER_SMTP) {
            if (limiter != null && slot != null) {
                limiter.accepted(slot, ctx.clock().instant());
            }
            slot = null;
            tokenRejected = false;
            if (markedUnhealthy) {
                markedUnhealthy = false;
                ctx.states().recordHealth(userId, AccountHealth.healthy());
            }
            copy = ctx.rules().wantsSentCopy(account) ? SentCopy.PENDING : SentCopy.SKIPPED;
            if (copy == SentCopy.PENDING) {
                try {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    mime.writeTo(out);
                    raw = out.toByteArray();
                } catch (IOException | MessagingException e) {
                    copy = SentCopy.FAILED;
                    LOG.warn("Cannot keep a copy of sent message {} for the Sent folder: {}", m.id(), e.toString());
                }
            }
        }
        MailAccount sender = account;
        byte[] copyOfSent = raw;
        ctx.store().markSent(new Delivery(m.id(), route, d.reason(), envelope.from().toString(),
                envelope.replyTo() == null ? null : envelope.replyTo().toString(), attempt,
                reply == null ? null : reply.trim(), copy)).whenComplete((done, error) -> {
                    if (error != null) {
                        LOG.error("Message {} was sent but recording it failed; it will be sent again: {}", m.id(),
                                error.toString());
                        return;
                    }
                    ctx.events().post(EmailEvents.MESSAGE_SENT, m, route);
                    if (copyOfSent != null) {
                        ctx.appender().append(sender, new SentFolderAppender.Copy(m.id(), copyOfSent));
                    }
                });
    }

    private void failed(Job job, int attempt, SendFailure f) {
        String reason = f.reason() + (f.serverReply() == null ? "" : ": " + f.serverReply());
        switch (f.kind()) {
            case AUTHENTICATION -> loginRefused(job, attempt, f);
            case PERMANENT -> fail(job, attempt, reason, f.serverReply());
            case TRANSIENT -> {
                if (route == Route.USER_SMTP && f.serverReply() == null && !markedUnhealthy) {
                    markedUnhealthy = true;
                    ctx.states().recordHealth(userId, new AccountHealth(AccountHealth.State.UNREACHABLE, f.reason(),
                            ctx.clock().instant()));
                }
                retryLater(job, attempt, reason, f.serverReply());
            }
        }
    }

    private void loginRefused(Job job, int attempt, SendFailure f) {
        if (route == Route.PLATFORM) {
            LOG.error("The platform SMTP server refused the platform login ({}): check {}", f.serverReply(),
                    PlatformConfig.PID);
            retryLater(job, attempt, "the platform SMTP server refused the platform login", f.serverReply());
            return;
        }
        if (account != null && account.oauth() && !tokenRejected) {
            // The token may have been revoked early: refresh it and try once more at once.
            tokenRejected = true;
            ctx.vault().rejected(userId, account.password());
            account = null;
            ctx.store().reschedule(job.message().id(), MessageStatus.RETRYING, ctx.clock().instant(), attempt,
                    "the SMTP server refused the access token; trying again with a new one", f.serverReply());
            return;
        }
        ctx.states().recordHealth(userId, new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING,
                "the SMTP server refused the login" + (f.serverReply() == null ? "" : ": " + f.serverReply()),
                ctx.clock().instant()));
        markedUnhealthy = true;
        account = null;
        if (!job.message().kind().requiresOwnMailbox() && ctx.authFailureFallback()) {
            host.reroute(new Job(job.message(), job.decision(), job.account(), attempt),
                    "the recruiter's SMTP server refused the login");
        } else {
            fail(job, attempt, "the recruiter's SMTP server refused the login"
                    + (f.serverReply() == null ? "" : " (" + f.serverReply() + ")")
                    + ": update the password in Email Connection Settings, then retry the message", f.serverReply());
        }
    }

    private void retryLater(Job job, int attempts, String reason, String serverReply) {
        RetryPolicy retry = ctx.retry();
        if (retry.exhausted(attempts)) {
            fail(job, attempts, "gave up after " + attempts + " attempts: " + reason, serverReply);
            return;
        }
        java.time.Duration wait = retry.delayAfter(attempts);
        ctx.store().reschedule(job.message().id(), MessageStatus.RETRYING, ctx.clock().instant().plus(wait),
                attempts, reason + "; next attempt in " + wait.toSeconds() + " s", serverReply);
    }

    private void fail(Job job, int attempts, String reason, String serverReply) {
        ctx.store().markFailed(job.message().id(), attempts, reason, serverReply);
        ctx.events().post(EmailEvents.MESSAGE_FAILED, job.message(), route);
        LOG.info("Message {} of user {} failed: {}", job.message().id(), job.message().userId(), reason);
    }

    private void connect() throws MessagingException {
        if (transport != null && transport.isConnected()) {
            return;
        }
        closeTransport();
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
        boolean oauth = route == Route.USER_SMTP && account.oauth();
        Properties props = ctx.sessions().properties(Protocol.SMTP, ep, oauth);
        props.put("mail.smtp.auth", Boolean.toString(user != null));
        session = Session.getInstance(props);
        transport = session.getTransport("smtp");
        transport.connect(ep.host(), ep.port(), user, password);
        connected = true;
    }

    private void closeTransport() {
        Transport t = transport;
        transport = null;
        connected = false;
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
