package io.talentats.email.router.internal;

import java.util.List;
import java.util.Optional;

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
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.support.NodeName;
import io.talentats.email.store.MessageStore;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@link MessageRouter} component: runs the {@link Outbox}, takes the platform transport's settings from
 * {@link PlatformTransport}, and tells the outbox when an account is saved or disconnected or connectivity comes
 * back. Nothing else about accounts reaches it: their health lives in the store and changes no lane.
 */
// Immediate: the outbox must deliver what was queued before a restart even if nobody submits anything new.
@Component(service = {MessageRouter.class, EventHandler.class, PlatformTransport.Listener.class},
        configurationPid = RouterConfig.PID, immediate = true,
        property = {
            EventConstants.EVENT_TOPIC + "=" + EmailEvents.ACCOUNT_SAVED,
            EventConstants.EVENT_TOPIC + "=" + EmailEvents.ACCOUNT_DISCONNECTED,
            EventConstants.EVENT_TOPIC + "=" + EmailEvents.CONNECTIVITY_CHANGED
        })
@Designate(ocd = RouterConfig.class)
public class OutboxRouter implements MessageRouter, EventHandler, PlatformTransport.Listener {

    private final Outbox outbox;
    private final Connectivity connectivity;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ProviderPresets presets;

    @Activate
    public OutboxRouter(RouterConfig config, BundleContext context, @Reference MessageStore store,
            @Reference MailSessions sessions, @Reference AccountSettingsService settings,
            @Reference(target = "(" + MailAccess.PROPERTY + "=" + MailAccess.BY_ACCOUNT + ")") MailAccess access,
            @Reference Connectivity connectivity,
            @Reference Announcer announcer) {
        this.connectivity = connectivity;
        this.outbox = new Outbox(config, NodeName.of(context), store, sessions, settings, access,
                connectivity::isEnabled, announcer, () -> presets);
    }

    @Deactivate
    void deactivate() {
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
    public void platform(PlatformSettings settings) {
        outbox.platform(settings);
    }

    @Override
    public void handleEvent(Event event) {
        if (EmailEvents.CONNECTIVITY_CHANGED.equals(event.getTopic())) {
            // The switch as it is now: the event of a fast flip may be handled after the switch moved on.
            if (connectivity.isEnabled()) {
                outbox.connectivityOn();
            }
            return;
        }
        Object user = event.getProperty(EmailEvents.USER_ID);
        if (user != null) {
            outbox.accountChanged(user.toString());
        }
    }
}
