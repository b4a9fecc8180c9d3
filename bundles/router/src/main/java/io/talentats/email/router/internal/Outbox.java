package io.talentats.email.router.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.MessageContent;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageRejectedException.Reason;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.OutboxStats;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Route;
import io.talentats.email.api.SubmitReceipt;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.router.internal.RoutingPolicy.Decision;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.EnqueueResult;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.NewOutbound.BounceCheck;
import io.talentats.email.store.OutboundMail;
import io.talentats.email.store.ThreadTip;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox as the {@link MessageRouter}: a message is routed and stored (history and queue in one
 * transaction) before {@link #submit} returns; the {@link Dispatcher} and the lanes of {@link OutboxWorkers} deliver
 * it in the background. Plain Java, so that the benchmark drives exactly this; {@link OutboxRouter} is its OSGi
 * component.
 */
public final class Outbox implements MessageRouter {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    /** Read on every submit: taken from the configuration once, not through its proxy each time. */
    private final long maxAttachmentBytes;
    private final boolean refuseBounced;
    private final Duration lease;
    private final MessageStore store;
    private final AccountSettingsService settings;
    private final BooleanSupplier connectivity;
    private final Events events;
    private final String owner;
    private volatile PlatformSettings platform = PlatformSettings.NONE;
    private final ExecutorService sentCopies;
    private final OutboxWorkers workers;
    private final Dispatcher dispatcher;

    /**
     * Starts the outbox: takes back what this node was sending when it stopped, then delivers.
     *
     * @param owner this node's stable name in the outbox's leases
     */
    public Outbox(RouterConfig config, String owner, MessageStore store, MailSessions sessions,
            AccountSettingsService settings, MailAccess access,
            BooleanSupplier connectivity, Announcer announcer, Supplier<ProviderPresets> presets) {
        this.maxAttachmentBytes = config.max_attachment_bytes();
        this.refuseBounced = !"warn".equalsIgnoreCase(config.bounced_recipients());
        this.lease = Duration.ofMillis(config.lease_ms());
        this.store = store;
        this.settings = settings;
        this.connectivity = connectivity;
        this.events = new Events(announcer);
        this.owner = owner;
        int released = store.release(owner);
        if (released > 0) {
            LOG.info("Took back {} outbox entries this node was sending when it stopped; they are sent again", released);
        }
        this.sentCopies = Executors.newSingleThreadExecutor(sessions.threads("talentats-sent-copy"));
        SentFolderAppender appender = new SentFolderAppender(sessions, store, access, sentCopies);
        LaneContext lanes = new LaneContext(store, sessions, access, () -> platform, events,
                RetryPolicy.of(config), Clock.systemUTC(), appender,
                new ProviderRules(config.sending_limits(), presets, store), config.auth_failure_fallback());
        this.workers = new OutboxWorkers(lanes, owner, config.workers(), config.smtp_idle_close_ms());
        this.dispatcher = new Dispatcher(store, workers, owner, lease, config.poll_interval_ms(), settings::get,
                connectivity, () -> platform.ready(), sessions.threads("talentats-outbox-dispatcher"));
        if (connectivity.getAsBoolean()) {
            store.releaseHeld();
        }
        dispatcher.start();
        appender.resumePending();
        LOG.info("Outbox started: {} workers, node {}", config.workers(), owner);
    }

    /** Stops delivering; what is queued stays in the outbox for the next start. */
    public void stop() {
        dispatcher.stop();
        workers.stop(10_000);
        sentCopies.shutdown();
        try {
            sentCopies.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sentCopies.shutdownNow();
        int released = store.release(owner);
        LOG.info("Outbox stopped; {} queued entries stay in the outbox for the next start", released);
    }

    // ---------------------------------------------------------------- MessageRouter

    @Override
    public SubmitReceipt submit(OutboundMessage m) throws MessageRejectedException {
        List<FieldError> errors = MessageValidator.validate(m, maxAttachmentBytes);
        if (!errors.isEmpty()) {
            throw new MessageRejectedException(Reason.INVALID_MESSAGE, "The message cannot be sent as it is: "
                    + errors.get(0).message(), errors);
        }
        Account account = settings.get(m.senderUserId()).orElse(null);
        Decision d = RoutingPolicy.decide(m.kind(), account, connectivity.getAsBoolean(), platform.ready());
        switch (d.action()) {
            // Queued mail waits when connectivity goes off or the sign-in breaks; new custom mail is refused.
            case HOLD -> throw connectivity.getAsBoolean()
                    ? new MessageRejectedException(Reason.ACCOUNT_LOGIN_FAILING, "Custom messages cannot be sent now: "
                            + d.reason())
                    : new MessageRejectedException(Reason.CONNECTIVITY_DISABLED,
                            "Custom messages cannot be sent now: email connectivity is disabled");
            case FAIL -> throw new MessageRejectedException(account == null || !account.enabled()
                    ? Reason.ACCOUNT_NOT_CONNECTED : Reason.ACCOUNT_LOGIN_FAILING,
                    (account == null || !account.enabled() ? "Connect your email account to send custom messages: "
                            : "Custom messages cannot be sent now: ") + d.reason());
            case WAIT -> throw new MessageRejectedException(Reason.PLATFORM_NOT_CONFIGURED,
                    "This message needs the platform transport, which is not configured: " + d.reason());
            case SEND -> {
                // accepted
            }
        }
        String senderAddress = account != null ? account.emailAddress() : m.senderAddress();
        String senderName = account != null && account.displayName() != null ? account.displayName() : m.senderName();
        if (d.route() == Route.PLATFORM && senderAddress == null) {
            throw new MessageRejectedException(Reason.INVALID_MESSAGE, "The platform sends this message on the "
                    + "recruiter's behalf and needs their address for Reply-To", List.of(new FieldError(
                            "senderAddress", "Give the recruiter's email address so candidates' replies reach them")));
        }
        String token = ReplyTokens.newToken();
        String idDomainAddress = d.route() == Route.PLATFORM ? platform.fromAddress() : senderAddress;
        MessageContent content = m.content().withRecipients(trimAll(m.to()), trimAll(m.cc()));
        Optional<ThreadTip> tip = m.threadId() == null ? Optional.empty() : store.threadTip(m.threadId());
        OutboundMail mail = new OutboundMail(m.senderUserId(), m.kind(), senderName, senderAddress, content,
                m.idempotencyKey(), token, ReplyTokens.messageId(token, idDomainAddress),
                tip.map(ThreadTip::internetMessageId).orElse(null), tip.map(Outbox::references).orElse(null));
        // Earlier hard bounces of a recipient are looked for in the transaction that stores the message
        NewOutbound stored = new NewOutbound(mail, d.route(), d.reason(), MessageStatus.QUEUED, new BounceCheck(
                d.route() == Route.PLATFORM ? List.of(m.senderUserId(), MailAccount.PLATFORM_USER_ID)
                        : List.of(m.senderUserId()), refuseBounced));
        // Fast path: store it leased to this node and hand it to its lane from memory. When the workers are
        // behind, store it due instead and let the dispatcher take it in turn.
        EnqueueResult r = workers.hasRoom() ? store.enqueueLeased(stored, owner, lease) : store.enqueue(stored);
        if (r.refused()) {
            throw new MessageRejectedException(Reason.RECIPIENT_BOUNCED, "Not sent: " + r.bounced().describe()
                    + ". Check the address; an operator can clear it (email:unsuppress or DELETE "
                    + "/suppressions/USER/ADDRESS)", List.of(new FieldError("to", r.bounced().address()
                            + " hard-bounced before")));
        }
        if (!r.duplicate()) {
            events.post(EmailEvents.MESSAGE_QUEUED, r.id(), m.senderUserId(), m.threadId(), m.candidateId(),
                    m.applicationId(), r.route());
            if (r.message() != null) {
                workers.offer(r.message(), d, account);
            } else {
                dispatcher.signal();
            }
        }
        return new SubmitReceipt(r.id(), r.route(), r.duplicate());
    }

    /** References of the next message in a thread: the tip's own, then the tip, at most the last 20 ids. */
    static String references(ThreadTip tip) {
        List<String> ids = new ArrayList<>();
        if (tip.referencesHeader() != null) {
            ids.addAll(Arrays.asList(tip.referencesHeader().trim().split("\\s+")));
        }
        ids.add(tip.internetMessageId());
        if (ids.size() > 20) {
            ids = new ArrayList<>(ids.subList(ids.size() - 20, ids.size()));
        }
        return String.join(" ", ids);
    }

    private static List<String> trimAll(List<String> addresses) {
        return addresses.stream().map(String::trim).toList();
    }

    @Override
    public Optional<MessageRecord> status(String messageId) {
        return store.find(messageId);
    }

    @Override
    public boolean retry(String messageId) {
        boolean requeued = store.requeue(messageId);
        if (requeued) {
            dispatcher.signal();
        }
        return requeued;
    }

    @Override
    public OutboxStats outbox() {
        return store.outboxStats();
    }

    @Override
    public List<MessageRecord> pending(int limit) {
        return store.pending(Math.max(1, Math.min(limit, 1000)));
    }

    // ---------------------------------------------------------------- state changes

    /** Connectivity was switched on: held messages are queued again. */
    public void connectivityOn() {
        int released = store.releaseHeld();
        LOG.info("Email connectivity is on again: {} held messages queued", released);
        dispatcher.signal();
    }

    /** A user's account was saved or disconnected: their lane reconnects with the new settings. */
    public void accountChanged(String userId) {
        workers.invalidateUser(userId);
        // Mail held for a new sign-in is decided afresh (held again if the account still cannot send).
        int released = store.releaseHeld(userId, "the email account was saved");
        if (released > 0) {
            LOG.info("{} held messages of user {} queued again after the account was saved", released, userId);
        }
        dispatcher.signal();
    }

    /** The platform transport changed. */
    public void platform(PlatformSettings settings) {
        platform = settings;
        workers.invalidatePlatform();
        dispatcher.signal();
    }
}
