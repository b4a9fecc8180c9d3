package io.talentats.email.settings.internal;

import java.util.Map;

import io.talentats.email.runtime.Announcer;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventAdmin;

/** The one {@link Announcer}: the only component of ours that tracks EventAdmin. */
@Component(service = Announcer.class)
public class EventAnnouncer implements Announcer {

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Announcer delegate = Announcer.to(() -> eventAdmin);

    @Override
    public void post(String topic, Map<String, ?> properties) {
        delegate.post(topic, properties);
    }
}
