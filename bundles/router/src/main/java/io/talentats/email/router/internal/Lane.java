package io.talentats.email.router.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.router.internal.RoutingPolicy.Decision;
import io.talentats.email.runtime.CredentialUnavailableException;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.support.Redact;
import io.talentats.email.support.SerialExecutor;
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
    /** What becomes of a message this lane could not send. */
    private final SendOutcomes outcomes;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile long lastUsed = System.currentTimeMillis();
    private volatile boolean connected;
    private volatile boolean invalid;

    // Used only by tasks on the serial executor (or after the workers stopped).
    /** The recruiter's mailbox (route USER_SMTP): the login, its connection and what it learned of the account. */
    private final AccountLogin login;
    /** Messages are built in this session. */
    private Session session;
    /** The platform's connection (route PLATFORM). */
    private Transport transport;
    private MailAccount account;
    private PlatformSettings platform;
    private SendingLimiter limiter;
    /** The sender address the limiter counts for; its limits are checked again after the settings changed. */
    private String limiterAddress;
    private boolean limitsToCheck;
    /** The send time the limiter gave the message being sent; moved to when the server accepted it. */
    private Instant slot;

    Lane(String key, Route route, String userId, Host host, LaneContext ctx, Executor workers) {
        this.key = key;
        this.route = route;
        this.userId = userId;
        this.host = host;
        this.ctx = ctx;
        this.serial = new SerialExecutor(workers, TURN);
        this.outcomes = new SendOutcomes(ctx, route, host);
        this.login = route == Route.USER_SMTP ? ctx.access().login(userId) : null;
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
                outcomes.fail(job, job.attempts(), d.reason(), null);
                return;
            }
            case WAIT -> {
                outcomes.retryLater(job, job.attempts(), d.reason(), null);
                return;
            }
            case SEND -> {
                // below
            }
        }
        if (invalid) {
            invalid = false;
            closeTransport();
            if (login != null) {
                login.forget();
            }
            account = null;
            platform = null;
            // The limiter stays while the sender and its limits stay: it knows the sends whose records are still
            // on their way to the store, which a limiter made again from the store would not (and let one more go).
            limitsToCheck = limiter != null;
        }
        MimeBuilder.Envelope envelope;
        try {
            envelope = route == Route.USER_SMTP ? recruiterEnvelope(job) : platformEnvelope(job);
        } catch (RuntimeException e) {
            outcomes.retryLater(job, job.attempts(), "cannot prepare the sender: " + e.getMessage(), null);
            return;
        }
        if (envelope != null) {
            send(job, envelope);
        }
    }

    /** From the recruiter's own address; {@code null} when the job was handled otherwise (rerouted, limited). */
    private MimeBuilder.Envelope recruiterEnvelope(Job job) {
        StoredOutbound m = job.message();
        Optional<MailAccount> a;
        try {
            a = login.account();
        } catch (CredentialUnavailableException e) {
            credentialUnavailable(job, e);
            return null;
        }
        if (a.isEmpty()) {
            host.reroute(job, "the email account was disconnected before the message was sent");
            return null;
        }
        account = a.get();
        Instant now = ctx.clock().instant();
        if (limitsToCheck) {
            limitsToCheck = false;
            if (!account.emailAddress().equalsIgnoreCase(limiterAddress)
                    || !limiter.limits().equals(ctx.rules().limitsFor(account.presetId(), account.emailAddress()))) {
                limiter = null;
            }
        }
        if (limiter == null) {
            limiter = ctx.rules().limiterFor(account, now);
            limiterAddress = account.emailAddress();
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

    /**
     * The OAuth grant cannot give a token: after a refused grant custom mail waits (held) for a new sign-in and stage
     * mail takes the platform route; when the token endpoint is only unreachable, the message is tried again later.
     */
    private void credentialUnavailable(Job job, CredentialUnavailableException e) {
        if (!e.needsSignIn()) {
            outcomes.retryLater(job, job.attempts(), e.getMessage(), null);
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
            outcomes.retryLater(job, job.attempts(), "the platform transport is not configured", null);
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
            if (session == null) {
                session = ctx.sessions().session(new Properties());
            }
            mime = ctx.sessions().call(() -> MimeBuilder.build(session, job.message(), envelope));
            if (login != null) {
                reply = login.send(mime, mime.getAllRecipients());
            } else {
                reply = ctx.sessions().call(() -> {
                    connectPlatform();
                    transport.sendMessage(mime, mime.getAllRecipients());
                    return transport instanceof SMTPTransport s ? s.getLastServerResponse() : null;
                });
            }
            connected = true;
        } catch (CredentialUnavailableException e) {
            // The access token was refused and the grant cannot give another (withdrawn, say)
            closeTransport();
            credentialUnavailable(job, e);
            return;
        } catch (MessagingException | RuntimeException e) {
            String last = login != null ? login.lastServerReply()
                    : transport instanceof SMTPTransport s ? s.getLastServerResponse() : null;
            closeTransport();
            SendFailure f = SendFailure.of(e, last);
            if (login != null && f.kind() == SendFailure.Kind.AUTHENTICATION) {
                login.failed(Protocol.SMTP, e, f.serverReply());
            }
            if (outcomes.failed(job, attempt, f, login)) {
                account = null; // the login recorded the account's health; open it again for the next message
            }
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
            login.worked();
            copy = ctx.rules().wantsSentCopy(account) ? SentCopy.PENDING : SentCopy.SKIPPED;
            if (copy == SentCopy.PENDING) {
                try {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    mime.writeTo(out);
                    raw = out.toByteArray();
                } catch (IOException | MessagingException e) {
                    copy = SentCopy.FAILED;
                    LOG.warn("Cannot keep a copy of sent message {} for the Sent folder: {}", m.id(),
                            Redact.addresses(e.toString()));
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

    /** The platform's connection, with the platform's own login (not a recruiter's: that is the login's). */
    private void connectPlatform() throws MessagingException {
        if (transport != null && transport.isConnected()) {
            return;
        }
        closeTransport();
        Endpoint ep = platform.endpoint();
        String user = platform.username();
        // Without a login name, no password either: Jakarta Mail would otherwise log in as the OS user.
        String password = user == null || platform.password() == null ? null : platform.password().reveal();
        Properties props = ctx.sessions().properties(Protocol.SMTP, ep, false);
        props.put("mail.smtp.auth", Boolean.toString(user != null));
        transport = Session.getInstance(props).getTransport("smtp");
        transport.connect(ep.host(), ep.port(), user, password);
    }

    private void closeTransport() {
        Transport t = transport;
        transport = null;
        connected = false;
        if (login != null) {
            login.close();
        }
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
