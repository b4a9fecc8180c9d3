package io.talentats.email.router.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.OutboxStats;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.SubmitReceipt;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.SecretCipher;
import io.talentats.email.store.MessageStore;

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
 * The {@link MessageRouter} component: runs the {@link Outbox}, feeds it the platform transport's configuration
 * (encrypting a plain-text password found there), and tells it when accounts or the connectivity switch change.
 */
// Immediate: the outbox must deliver what was queued before a restart even if nobody submits anything new.
@Component(service = {MessageRouter.class, EventHandler.class}, configurationPid = RouterConfig.PID, immediate = true,
        property = {
            EventConstants.EVENT_TOPIC + "=" + EmailEvents.TOPIC_PREFIX + "account/*",
            EventConstants.EVENT_TOPIC + "=" + EmailEvents.CONNECTIVITY_CHANGED
        })
@Designate(ocd = RouterConfig.class)
public class OutboxRouter implements MessageRouter, EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRouter.class);

    private final SecretCipher cipher;
    private final ConfigurationAdmin configAdmin;
    private final Outbox outbox;
    private final ServiceRegistration<ManagedService> platformConfig;

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
        this.cipher = cipher;
        this.configAdmin = configAdmin;
        this.outbox = new Outbox(config, ownerId(context), store, sessions, settings, vault, connectivity::isEnabled,
                () -> eventAdmin, () -> presets);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Constants.SERVICE_PID, PlatformConfig.PID);
        this.platformConfig = context.registerService(ManagedService.class, this::platformUpdated, props);
    }

    @Deactivate
    void deactivate() {
        platformConfig.unregister();
        outbox.stop();
    }

    @Override
    public SubmitReceipt submit(OutboundMessage message) throws MessageRejectedException {
        return outbox.submit(message);
    }

    @Override
    public Optional<MessageRecord> status(String messageId) {
        return outbox.status(messageId);
    }

    @Override
    public boolean retry(String messageId) {
        return outbox.retry(messageId);
    }

    @Override
    public OutboxStats outbox() {
        return outbox.outbox();
    }

    @Override
    public List<MessageRecord> pending(int limit) {
        return outbox.pending(limit);
    }

    @Override
    public void handleEvent(Event event) {
        if (EmailEvents.CONNECTIVITY_CHANGED.equals(event.getTopic())) {
            if (Boolean.TRUE.equals(event.getProperty(EmailEvents.ENABLED))) {
                outbox.connectivityOn();
            }
            return;
        }
        Object user = event.getProperty(EmailEvents.USER_ID);
        if (user != null) {
            outbox.accountChanged(user.toString());
        }
    }

    private void platformUpdated(Dictionary<String, ?> props) {
        String context = SecretCipher.context(PlatformConfig.PID, "password");
        try {
            Object password = props == null ? null : props.get("password");
            if (password instanceof String p && !p.isBlank() && !cipher.isCipherText(p)) {
                encryptPlatformPassword(p, context);
                return; // the update this causes brings the encrypted value back here
            }
            PlatformSettings settings = PlatformSettings.from(props, ct -> cipher.decrypt(ct, context));
            LOG.info("Platform transport: {}", settings.ready() ? settings : "not configured");
            outbox.platform(settings);
        } catch (RuntimeException e) {
            LOG.error("The platform transport configuration ({}) is not usable: {}", PlatformConfig.PID,
                    e.getMessage());
            outbox.platform(PlatformSettings.NONE);
        }
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
