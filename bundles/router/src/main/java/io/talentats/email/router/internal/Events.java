package io.talentats.email.router.internal;

import java.util.Map;

import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Route;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.store.StoredOutbound;

/** Posts the router's events: ids and the route only, never an address or a body. */
final class Events {

    private final Announcer announcer;

    Events(Announcer announcer) {
        this.announcer = announcer;
    }

    void post(String topic, String messageId, String userId, String threadId, String candidateId,
            String applicationId, Route route) {
        Map<String, Object> p = Announcer.aboutMessage(messageId, userId, threadId, candidateId, applicationId);
        if (route != null) {
            p.put(EmailEvents.ROUTE, route.name());
        }
        announcer.post(topic, p);
    }

    void post(String topic, StoredOutbound m, Route route) {
        post(topic, m.id(), m.userId(), m.content().threadId(), m.content().candidateId(),
                m.content().applicationId(), route);
    }
}
