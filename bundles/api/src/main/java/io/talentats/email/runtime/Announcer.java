package io.talentats.email.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.talentats.email.api.EmailEvents;

import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Posts our events ({@link EmailEvents}) on EventAdmin when there is one, asynchronously, and builds their
 * properties the same way everywhere: ids only, absent values left out.
 */
public final class Announcer {

    private final Supplier<EventAdmin> eventAdmin;

    /** @param eventAdmin the EventAdmin now, or {@code null} (a component's optional dynamic reference) */
    public Announcer(Supplier<EventAdmin> eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    public void post(String topic, Map<String, ?> properties) {
        EventAdmin ea = eventAdmin.get();
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }

    /** The properties of an event about one message: its id, its user and the ATS ids that are set. */
    public static Map<String, Object> aboutMessage(String messageId, String userId, String threadId,
            String candidateId, String applicationId) {
        Map<String, Object> p = new HashMap<>();
        p.put(EmailEvents.MESSAGE_ID, messageId);
        p.put(EmailEvents.USER_ID, userId);
        putIfSet(p, EmailEvents.THREAD_ID, threadId);
        putIfSet(p, EmailEvents.CANDIDATE_ID, candidateId);
        putIfSet(p, EmailEvents.APPLICATION_ID, applicationId);
        return p;
    }

    private static void putIfSet(Map<String, Object> p, String key, Object value) {
        if (value != null) {
            p.put(key, value);
        }
    }
}
