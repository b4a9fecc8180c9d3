package io.talentats.email.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.talentats.email.api.EmailEvents;

import org.osgi.annotation.versioning.ProviderType;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Posts our events ({@link EmailEvents}) asynchronously on EventAdmin when there is one, and builds their
 * properties the same way everywhere: ids only, absent values left out. The settings bundle registers the one
 * instance as a service; components reference it instead of each tracking EventAdmin.
 */
@ProviderType
public interface Announcer {

    /** Posts {@code topic} with {@code properties}; nothing happens while there is no EventAdmin. */
    void post(String topic, Map<String, ?> properties);

    /** An announcer posting to whatever {@code eventAdmin} gives at the time ({@code null}: none), for plain Java. */
    static Announcer to(Supplier<EventAdmin> eventAdmin) {
        return (topic, properties) -> {
            EventAdmin ea = eventAdmin.get();
            if (ea != null) {
                ea.postEvent(new Event(topic, properties));
            }
        };
    }

    /** The properties of an event about one message: its id, its user and the ATS ids that are set. */
    static Map<String, Object> aboutMessage(String messageId, String userId, String threadId, String candidateId,
            String applicationId) {
        Map<String, Object> p = new HashMap<>();
        p.put(EmailEvents.MESSAGE_ID, messageId);
        p.put(EmailEvents.USER_ID, userId);
        if (threadId != null) {
            p.put(EmailEvents.THREAD_ID, threadId);
        }
        if (candidateId != null) {
            p.put(EmailEvents.CANDIDATE_ID, candidateId);
        }
        if (applicationId != null) {
            p.put(EmailEvents.APPLICATION_ID, applicationId);
        }
        return p;
    }
}
