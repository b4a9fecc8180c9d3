package io.talentats.email.router.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Route;
import io.talentats.email.store.StoredOutbound;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** Posts the router's events: ids and the route only, never an address or a body. */
final class Events {

    private final Supplier<EventAdmin> eventAdmin;

    Events(Supplier<EventAdmin> eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    void post(String topic, String messageId, String userId, String threadId, String candidateId,
            String applicationId, Route route) {
        EventAdmin ea = eventAdmin.get();
        if (ea == null) {
            return;
        }
        Map<String, Object> p = new HashMap<>();
        p.put(EmailEvents.MESSAGE_ID, messageId);
        p.put(EmailEvents.USER_ID, userId);
        putIfSet(p, EmailEvents.THREAD_ID, threadId);
        putIfSet(p, EmailEvents.CANDIDATE_ID, candidateId);
        putIfSet(p, EmailEvents.APPLICATION_ID, applicationId);
        if (route != null) {
            p.put(EmailEvents.ROUTE, route.name());
        }
        ea.postEvent(new Event(topic, p));
    }

    void post(String topic, StoredOutbound m, Route route) {
        post(topic, m.id(), m.userId(), m.threadId(), m.candidateId(), m.applicationId(), route);
    }

    private static void putIfSet(Map<String, Object> p, String key, String value) {
        if (value != null) {
            p.put(key, value);
        }
    }
}
