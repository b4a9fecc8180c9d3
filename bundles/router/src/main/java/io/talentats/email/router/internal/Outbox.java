package io.talentats.email.router.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageRejectedException.Reason;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.OutboxStats;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Route;
import io.talentats.email.api.SendingLimit;
import io.talentats.email.api.SubmitReceipt;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.router.internal.RoutingPolicy.Decision;
import io.talentats.email.runtime.ConfigValues;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.EnqueueResult;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.StoredOutbound;
import io.talentats.email.store.ThreadTip;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outbox: a message is routed and stored (history and queue in one transaction) before
 * {@link #submit} returns; the dispatcher and the lanes deliver it in the background. Plain Java, so that the
 * benchmark drives exactly this; {@link OutboxRouter} is its OSGi component.
 */
public final class Outbox implements MessageRouter, OutboxWorkers.Context {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);

    private final RouterConfig config;
    /** Read on every submit: taken from the configuration once, not through its proxy each time. */
    private final long maxAttachmentBytes;
    private final Duration lease;
    private final MessageStore store;
    private final MailSessions sessions;
    private final AccountSettingsService settings;
    private final CredentialVault vault;
    private final BooleanSupplier connectivity;
    private final Supplier<ProviderPresets> presets;
    private final Clock clock = Clock.systemUTC();
    private final Events events;
    private final String owner;
    private final Map<String, List<SendingLimit>> limitOverrides;
    private volatile PlatformSettings platform = PlatformSettings.NONE;
    private final ExecutorService sentCopies;
    private final SentFolderAppender appender;
    private final OutboxWorkers workers;
    private final Dispatcher dispatcher;

    /**
     * Starts the outbox: takes back what this node was sending when it stopped, then delivers.
     *
     * @param owner this node's stable name in the outbox's leases
     */
    public Outbox(RouterConfig config, String owner, MessageStore store, MailSessions sessions,
            AccountSettingsService settings, CredentialVault vault, BooleanSupplier connectivity,
            Supplier<EventAdmin> eventAdmin, Supplier<ProviderPresets> presets) {
        this.config = config;
        this.maxAttachmentBytes = config.max_attachment_bytes();
        this.lease = Duration.ofMillis(config.lease_ms());
        this.store = store;
        this.sessions = sessions;
        this.settings = settings;
        this.vault = vault;
        this.connectivity = connectivity;
        this.presets = presets;
        this.events = new Events(eventAdmin);
        this.limitOverrides = parseLimits(config.sending_limits());
        this.owner = owner;
        int released = store.release(owner);
        if (released > 0) {
            LOG.info("Took back {} outbox entries this node was sending when it stopped; they are sent again", released);
        }
        this.sentCopies = Executors.newSingleThreadExecutor(sessions.threads("talentats-sent-copy"));
        this.appender = new SentFolderAppender(sessions, store, sentCopies);
        this.workers = new OutboxWorkers(this);
        this.dispatcher = new Dispatcher(store, workers, owner, Duration.ofMillis(config.lease_ms()),
                config.poll_interval_ms(), this::account, connectivity, () -> platform.ready(),
                sessions.threads("talentats-outbox-dispatcher"));
        if (connectivity.getAsBoolean()) {
            store.releaseHeld();
        }
        dispatcher.start();
        sentCopies.execute(this::resumeSentCopies);
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
        Account account = account(m.senderUserId()).orElse(null);
        Decision d = RoutingPolicy.decide(m.kind(), account, connectivity.getAsBoolean(), platform.ready());
        switch (d.action()) {
            case HOLD -> throw new MessageRejectedException(Reason.CONNECTIVITY_DISABLED,
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
        String inReplyTo = null;
        String references = null;
        if (m.threadId() != null) {
            Optional<ThreadTip> tip = store.threadTip(m.threadId());
            if (tip.isPresent()) {
                inReplyTo = tip.get().internetMessageId();
                references = references(tip.get());
            }
        }
        NewOutbound stored = new NewOutbound(m.senderUserId(), m.kind(), d.route(), d.reason(),
                MessageStatus.QUEUED, senderName, senderAddress, trimAll(m.to()), trimAll(m.cc()), m.subject(),
                m.textBody(), m.htmlBody(), m.attachments(), m.candidateId(), m.applicationId(), m.threadId(),
                m.idempotencyKey(), token, ReplyTokens.messageId(token, idDomainAddress), inReplyTo, references);
        // Fast path: store it leased to this node and hand it to its lane from memory. When the workers are
        // behind, store it due instead and let the dispatcher take it in turn.
        boolean direct = workers.hasRoom();
        EnqueueResult r = direct ? store.enqueueLeased(stored, owner, lease)
                : store.enqueue(stored);
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

    /** A user's account changed: their lane reconnects with the new settings. */
    public void accountChanged(String userId) {
        workers.invalidateUser(userId);
        dispatcher.signal();
    }

    /** The platform transport changed. */
    public void platform(PlatformSettings settings) {
        platform = settings;
        workers.invalidatePlatform();
        dispatcher.signal();
    }

    // ---------------------------------------------------------------- lanes' context

    @Override
    public MessageStore store() {
        return store;
    }

    @Override
    public MailSessions sessions() {
        return sessions;
    }

    @Override
    public CredentialVault vault() {
        return vault;
    }

    @Override
    public Supplier<PlatformSettings> platform() {
        return () -> platform;
    }

    @Override
    public Events events() {
        return events;
    }

    @Override
    public RouterConfig config() {
        return config;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public SentFolderAppender appender() {
        return appender;
    }

    @Override
    public SendingLimiter limiterFor(MailAccount account, Account masked) {
        List<SendingLimit> limits = limitsFor(account.presetId(), account.emailAddress());
        Instant now = clock.instant();
        long longest = limits.stream().mapToLong(l -> l.period().toMillis()).max().orElse(0);
        List<Instant> recent = limits.isEmpty() ? List.of()
                : store.sentThroughUserSmtpSince(account.userId(), now.minusMillis(longest));
        return new SendingLimiter(limits, recent);
    }

    @Override
    public boolean wantsSentCopy(MailAccount account, Account masked) {
        if (account.saveSentCopy() != null) {
            return account.saveSentCopy();
        }
        return preset(account.presetId(), account.emailAddress()).map(p -> !p.filesSentMail()).orElse(true);
    }

    private List<SendingLimit> limitsFor(String presetId, String address) {
        Optional<ProviderPreset> preset = preset(presetId, address);
        String key = preset.map(ProviderPreset::id).orElse("*");
        List<SendingLimit> override = limitOverrides.get(key);
        if (override != null) {
            return override;
        }
        return preset.map(ProviderPreset::sendingLimits).orElse(List.of());
    }

    private Optional<ProviderPreset> preset(String presetId, String address) {
        ProviderPresets p = presets.get();
        if (p == null) {
            return Optional.empty();
        }
        return presetId != null ? p.find(presetId) : p.lookup(address);
    }

    /** Parses {@code PRESET=COUNT/PERIOD[,COUNT/PERIOD...]} entries; a bad entry is reported and skipped. */
    /**
     * Reads PRESET=COUNT/PERIOD[,COUNT/PERIOD] entries. A .cfg file gives one string for all presets
     * ({@code outlook=30/PT1M,300/P1D,gmail=500/P1D}), ConfigAdmin an array of them: both work, as a part with '='
     * starts the next preset.
     */
    static Map<String, List<SendingLimit>> parseLimits(String[] entries) {
        List<String> perPreset = new ArrayList<>();
        for (String part : ConfigValues.list(entries)) {
            if (part.contains("=") || perPreset.isEmpty()) {
                perPreset.add(part);
            } else {
                perPreset.set(perPreset.size() - 1, perPreset.get(perPreset.size() - 1) + "," + part);
            }
        }
        Map<String, List<SendingLimit>> out = new HashMap<>();
        for (String entry : perPreset) {
            int eq = entry.indexOf('=');
            try {
                if (eq <= 0) {
                    throw new IllegalArgumentException("no '='");
                }
                List<SendingLimit> limits = new ArrayList<>();
                for (String spec : entry.substring(eq + 1).split(",")) {
                    String[] parts = spec.trim().split("/");
                    limits.add(new SendingLimit(Integer.parseInt(parts[0].trim()), Duration.parse(parts[1].trim())));
                }
                out.put(entry.substring(0, eq).trim(), List.copyOf(limits));
            } catch (RuntimeException e) {
                LoggerFactory.getLogger(Outbox.class).error("Ignoring sending limit '{}' in {}: write it as "
                        + "PRESET=COUNT/PERIOD[,COUNT/PERIOD], e.g. outlook=30/PT1M,300/P1D", entry, RouterConfig.PID);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- plumbing

    private Optional<Account> account(String userId) {
        return settings.get(userId);
    }

    /** Appends the Sent-folder copies that were pending when the node stopped. */
    private void resumeSentCopies() {
        try {
            for (StoredOutbound m : store.pendingSentCopies(1000)) {
                Optional<MailAccount> a = vault.open(m.userId());
                if (a.isEmpty()) {
                    store.recordSentCopy(m.id(), MessageRecord.SentCopy.FAILED, "the account was disconnected");
                    continue;
                }
                MailAccount account = a.get();
                byte[] raw = sessions.call(() -> {
                    try {
                        Session s = sessions.session(new Properties());
                        MimeMessage mime = MimeBuilder.build(s, m, new MimeBuilder.Envelope(
                                new InternetAddress(account.emailAddress(), account.displayName(), "UTF-8"), null));
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        mime.writeTo(out);
                        return out.toByteArray();
                    } catch (IOException e) {
                        throw new MessagingException("cannot rebuild the sent message", e);
                    }
                });
                appender.append(account, new SentFolderAppender.Copy(m.id(), raw));
            }
        } catch (MessagingException | RuntimeException e) {
            LOG.warn("Could not resume pending Sent-folder copies: {}", e.toString());
        }
    }
}
