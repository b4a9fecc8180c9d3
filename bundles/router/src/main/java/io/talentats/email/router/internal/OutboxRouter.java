package io.talentats.email.router.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Connectivity;
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
import io.talentats.email.router.internal.RoutingPolicy.Action;
import io.talentats.email.router.internal.RoutingPolicy.Decision;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.runtime.SecretCipher;
import io.talentats.email.store.EnqueueResult;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.StoredOutbound;
import io.talentats.email.store.ThreadTip;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MessageRouter} with a durable outbox: a message is routed and stored (history and queue in one
 * transaction) before {@link #submit} returns; the dispatcher and the lanes deliver it in the background.
 */
// Immediate: the outbox must deliver what was queued before a restart even if nobody submits anything new.
@Component(service = {MessageRouter.class, EventHandler.class}, configurationPid = RouterConfig.PID, immediate = true,
        property = {
            EventConstants.EVENT_TOPIC + "=" + EmailEvents.TOPIC_PREFIX + "account/*",
            EventConstants.EVENT_TOPIC + "=" + EmailEvents.CONNECTIVITY_CHANGED
        })
@Designate(ocd = RouterConfig.class)
public class OutboxRouter implements MessageRouter, EventHandler, OutboxWorkers.Context {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRouter.class);

    private final RouterConfig config;
    private final MessageStore store;
    private final MailSessions sessions;
    private final AccountSettingsService settings;
    private final CredentialVault vault;
    private final Connectivity connectivity;
    private final SecretCipher cipher;
    private final ConfigurationAdmin configAdmin;
    private final Clock clock = Clock.systemUTC();
    private final Events events;
    private final String owner;
    private final Map<String, List<SendingLimit>> limitOverrides;
    private volatile PlatformSettings platform = PlatformSettings.NONE;
    private final ServiceRegistration<ManagedService> platformConfig;
    private final ExecutorService sentCopies;
    private final SentFolderAppender appender;
    private final OutboxWorkers workers;
    private final Dispatcher dispatcher;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ProviderPresets presets;

    @Activate
    public OutboxRouter(RouterConfig config, BundleContext context, @Reference MessageStore store,
            @Reference MailSessions sessions, @Reference AccountSettingsService settings,
            @Reference CredentialVault vault, @Reference Connectivity connectivity, @Reference SecretCipher cipher,
            @Reference ConfigurationAdmin configAdmin) {
        this.config = config;
        this.store = store;
        this.sessions = sessions;
        this.settings = settings;
        this.vault = vault;
        this.connectivity = connectivity;
        this.cipher = cipher;
        this.configAdmin = configAdmin;
        this.events = new Events(() -> eventAdmin);
        this.limitOverrides = parseLimits(config.sending_limits());
        this.owner = ownerId(context);
        int released = store.release(owner);
        if (released > 0) {
            LOG.info("Took back {} outbox entries this node was sending when it stopped; they are sent again", released);
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, PlatformConfig.PID);
        this.platformConfig = context.registerService(ManagedService.class, this::platformUpdated, props);
        this.sentCopies = Executors.newSingleThreadExecutor(Threads.named("talentats-sent-copy", sessions.classLoader()));
        this.appender = new SentFolderAppender(sessions, store, sentCopies);
        this.workers = new OutboxWorkers(this, sessions.classLoader());
        this.dispatcher = new Dispatcher(store, workers, owner, Duration.ofMillis(config.lease_ms()),
                config.poll_interval_ms(), this::account, connectivity::isEnabled, () -> platform.ready(),
                sessions.classLoader());
        if (connectivity.isEnabled()) {
            store.releaseHeld();
        }
        dispatcher.start();
        sentCopies.execute(this::resumeSentCopies);
        LOG.info("Outbox started: {} workers, node {}", config.workers(), owner);
    }

    @Deactivate
    void deactivate() {
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
        platformConfig.unregister();
        LOG.info("Outbox stopped; {} queued entries stay in the outbox for the next start", released);
    }

    // ---------------------------------------------------------------- MessageRouter

    @Override
    public SubmitReceipt submit(OutboundMessage m) throws MessageRejectedException {
        List<FieldError> errors = MessageValidator.validate(m, config.max_attachment_bytes());
        if (!errors.isEmpty()) {
            throw new MessageRejectedException(Reason.INVALID_MESSAGE, "The message cannot be sent as it is: "
                    + errors.get(0).message(), errors);
        }
        Account account = account(m.senderUserId()).orElse(null);
        Decision d = RoutingPolicy.decide(m.kind(), account, connectivity.isEnabled(), platform.ready());
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
        EnqueueResult r = store.enqueue(new NewOutbound(m.senderUserId(), m.kind(), d.route(), d.reason(),
                MessageStatus.QUEUED, senderName, senderAddress, trimAll(m.to()), trimAll(m.cc()), m.subject(),
                m.textBody(), m.htmlBody(), m.attachments(), m.candidateId(), m.applicationId(), m.threadId(),
                m.idempotencyKey(), token, ReplyTokens.messageId(token, idDomainAddress), inReplyTo, references));
        if (!r.duplicate()) {
            events.post(EmailEvents.MESSAGE_QUEUED, r.id(), m.senderUserId(), m.threadId(), m.candidateId(),
                    m.applicationId(), r.route());
            dispatcher.signal();
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

    // ---------------------------------------------------------------- events

    @Override
    public void handleEvent(Event event) {
        String topic = event.getTopic();
        if (EmailEvents.CONNECTIVITY_CHANGED.equals(topic)) {
            if (Boolean.TRUE.equals(event.getProperty(EmailEvents.ENABLED))) {
                int released = store.releaseHeld();
                LOG.info("Email connectivity is on again: {} held messages queued", released);
                dispatcher.signal();
            }
            return;
        }
        Object user = event.getProperty(EmailEvents.USER_ID);
        if (user != null) {
            workers.invalidateUser(user.toString());
        }
        if (EmailEvents.ACCOUNT_SAVED.equals(topic)) {
            dispatcher.signal();
        }
    }

    // ---------------------------------------------------------------- platform transport

    private void platformUpdated(Dictionary<String, ?> props) {
        String context = SecretCipher.context(PlatformConfig.PID, "password");
        try {
            Object password = props == null ? null : props.get("password");
            if (password instanceof String p && !p.isBlank() && !cipher.isCipherText(p)) {
                encryptPlatformPassword(p, context);
                return; // the update this causes brings the encrypted value back here
            }
            platform = PlatformSettings.from(props, ct -> cipher.decrypt(ct, context));
            LOG.info("Platform transport: {}", platform.ready() ? platform : "not configured");
        } catch (RuntimeException e) {
            platform = PlatformSettings.NONE;
            LOG.error("The platform transport configuration ({}) is not usable: {}", PlatformConfig.PID,
                    e.getMessage());
        }
        workers.invalidatePlatform();
        dispatcher.signal();
    }

    private void encryptPlatformPassword(String plain, String context) {
        try {
            Configuration c = configAdmin.getConfiguration(PlatformConfig.PID, "?");
            Dictionary<String, Object> p = c.getProperties();
            p.put("password", cipher.encrypt(plain, context));
            c.update(p);
            LOG.warn("The platform SMTP password in {} was plain text; it is now stored encrypted", PlatformConfig.PID);
        } catch (IOException e) {
            LOG.error("Cannot store the encrypted platform password in {}", PlatformConfig.PID, e);
        }
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
        ProviderPresets p = presets;
        if (p == null) {
            return Optional.empty();
        }
        return presetId != null ? p.find(presetId) : p.lookup(address);
    }

    /** Parses {@code PRESET=COUNT/PERIOD[,COUNT/PERIOD...]} entries; a bad entry is reported and skipped. */
    static Map<String, List<SendingLimit>> parseLimits(String[] entries) {
        Map<String, List<SendingLimit>> out = new HashMap<>();
        for (String entry : entries == null ? new String[0] : entries) {
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
                LoggerFactory.getLogger(OutboxRouter.class).error("Ignoring sending limit '{}' in {}: write it as "
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
                        Session s = sessions.session(new java.util.Properties());
                        MimeMessage mime = MimeBuilder.build(s, m, new MimeBuilder.Envelope(
                                new InternetAddress(account.emailAddress(), account.displayName(), "UTF-8"), null));
                        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
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

    /** This node's stable name in the outbox's leases, kept in the bundle's data area across restarts. */
    private static String ownerId(BundleContext context) {
        Path file = context.getDataFile("outbox-owner").toPath();
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            String id = "node-" + UUID.randomUUID();
            Files.writeString(file, id, StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot keep the outbox node id in " + file, e);
        }
    }
}
