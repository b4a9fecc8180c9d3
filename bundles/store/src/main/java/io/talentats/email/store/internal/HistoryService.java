package io.talentats.email.store.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.MessageEvent;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.Page;
import io.talentats.email.api.PageRequest;
import io.talentats.email.runtime.Announcer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The history the host ATS reads ({@link MessageHistory}): messages by thread, candidate and user, with their
 * timelines, and the triage and quarantine decisions ({@link HistoryQueries}, {@link ReplyTables}). A triage item
 * assigned to a message is announced as the reply it now is.
 */
@Component(service = MessageHistory.class)
public final class HistoryService implements MessageHistory {

    private final HistoryQueries history;
    private final ReplyTables replies;
    private final Announcer announcer;

    @Activate
    public HistoryService(@Reference Database db, @Reference Announcer announcer) {
        this.history = new HistoryQueries(db.jdbc(), db.clock());
        this.replies = new ReplyTables(db.jdbc(), db.clock());
        this.announcer = announcer;
    }

    @Override
    public Optional<MessageRecord> find(String id) {
        return history.find(id);
    }

    @Override
    public Page<MessageRecord> forCandidate(String candidateId, PageRequest page) {
        return history.forCandidate(candidateId, page);
    }

    @Override
    public Page<MessageRecord> forThread(String threadId, PageRequest page) {
        return history.forThread(threadId, page);
    }

    @Override
    public Page<MessageRecord> forThread(String threadId, String userId, PageRequest page) {
        return history.forThread(threadId, userId, page);
    }

    @Override
    public Page<MessageRecord> forUser(String userId, PageRequest page) {
        return history.forUser(userId, page);
    }

    @Override
    public Page<MessageRecord> triage(PageRequest page) {
        return history.triage(page);
    }

    @Override
    public Page<MessageRecord> quarantined(PageRequest page) {
        return history.quarantined(page);
    }

    @Override
    public Optional<MessageRecord> assignTriage(String messageId, String outboundMessageId) {
        if (!replies.assignTriage(messageId, outboundMessageId)) {
            return Optional.empty();
        }
        Optional<MessageRecord> r = history.find(messageId);
        r.ifPresent(m -> {
            Map<String, Object> p = Announcer.aboutMessage(m.id(), m.userId(), m.threadId(), m.candidateId(),
                    m.applicationId());
            p.put(EmailEvents.IN_REPLY_TO, outboundMessageId);
            announcer.post(EmailEvents.REPLY_RECEIVED, p);
        });
        return r;
    }

    @Override
    public boolean dismissTriage(String messageId) {
        return replies.dismissTriage(messageId);
    }

    @Override
    public List<MessageEvent> events(String messageId) {
        return history.events(messageId);
    }
}
