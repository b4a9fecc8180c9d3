package io.talentats.email.store.internal;

import static io.talentats.email.store.internal.MessageRows.MESSAGES;
import static io.talentats.email.store.internal.MessageRows.RECORD_COLUMNS;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.talentats.email.api.MessageEvent;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRecord.Direction;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Page;
import io.talentats.email.api.PageRequest;

/** The message history as the ATS reads it: messages by id, thread, candidate and user, and their timelines. */
final class HistoryQueries {

    private final Jdbc jdbc;
    private final Clock clock;

    HistoryQueries(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Optional<MessageRecord> find(String id) {
        long now = clock.millis();
        return jdbc.read("read the message history", c -> {
            Optional<MessageRecord> found = MessageRows.records(c, "SELECT " + RECORD_COLUMNS + " FROM "
                    + MESSAGES + " WHERE id = ?", ps -> ps.setString(1, id)).stream().findFirst();
            if (found.isEmpty() || !found.get().status().pending()) {
                return found;
            }
            // A worker holding the entry's lease is sending it right now.
            boolean leased = !Jdbc.query(c, "SELECT 1 FROM email_delivery WHERE message_id = ? AND lease_until >= ?",
                    ps -> {
                        ps.setString(1, id);
                        ps.setLong(2, now);
                    }, rs -> Boolean.TRUE).isEmpty();
            return leased ? Optional.of(found.get().withStatus(MessageStatus.SENDING)) : found;
        });
    }

    Page<MessageRecord> forCandidate(String candidateId, PageRequest page) {
        return page("candidate_id = ?", candidateId, page);
    }

    Page<MessageRecord> forThread(String threadId, PageRequest page) {
        return page("thread_id = ?", threadId, page);
    }

    Page<MessageRecord> forThread(String threadId, String userId, PageRequest page) {
        return page("thread_id = ? AND user_id = ?", page, threadId, userId);
    }

    Page<MessageRecord> forUser(String userId, PageRequest page) {
        return page("user_id = ?", userId, page);
    }

    Page<MessageRecord> triage(PageRequest page) {
        return page("status = ?", MessageStatus.TRIAGE.name(), page);
    }

    Page<MessageRecord> quarantined(PageRequest page) {
        return page("status = ?", MessageStatus.QUARANTINED.name(), page);
    }

    /** Messages still in the outbox, oldest first. */
    List<MessageRecord> pending(int limit) {
        return jdbc.read("read the outbox", c -> MessageRows.records(c, "SELECT " + RECORD_COLUMNS + " FROM " + MESSAGES
                + " WHERE next_attempt_at BETWEEN 0 AND ? ORDER BY created_at, id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY",
                ps -> {
                    ps.setLong(1, OutboxTables.HELD);
                    ps.setInt(2, limit);
                }));
    }

    List<MessageEvent> events(String messageId) {
        Optional<MessageRecord> rec = find(messageId);
        if (rec.isEmpty()) {
            return List.of();
        }
        MessageRecord r = rec.get();
        List<MessageEvent> timeline = new ArrayList<>();
        if (r.direction() == Direction.OUTBOUND) {
            timeline.add(new MessageEvent(r.createdAt(), MessageStatus.QUEUED, "queued"));
        }
        // The send is a step of the history whatever came after it (a delay, a bounce): what was sent stays sent
        boolean sent = r.status() == MessageStatus.SENT || r.status() == MessageStatus.DELAYED
                || r.status() == MessageStatus.BOUNCED;
        if (r.direction() == Direction.OUTBOUND && sent && r.completedAt() != null) {
            timeline.add(new MessageEvent(r.completedAt(), MessageStatus.SENT, "sent via " + r.route()
                    + (r.lastServerReply() == null ? "" : ": " + r.lastServerReply())));
        }
        timeline.addAll(jdbc.query("SELECT at, status, detail FROM email_message_event WHERE message_id = ? "
                        + "ORDER BY at, id", ps -> ps.setString(1, messageId),
                rs -> new MessageEvent(Instant.ofEpochMilli(rs.getLong(1)), MessageStatus.valueOf(rs.getString(2)),
                        rs.getString(3))));
        if (r.status() == MessageStatus.RECEIVED) {
            timeline.add(new MessageEvent(r.completedAt() != null ? r.completedAt() : r.createdAt(), r.status(),
                    "received"));
        }
        // In time order; within one instant, what leads to a send, the send, then what answers it (a stable sort)
        timeline.sort(java.util.Comparator.comparing(MessageEvent::at).thenComparingInt(HistoryQueries::phase));
        return timeline;
    }

    /** 0: a step towards the send (queued, retrying, failed); 1: the send; 2: what answers it (report, receipt). */
    private static int phase(MessageEvent e) {
        String d = e.detail() == null ? "" : e.detail();
        if (e.status() == MessageStatus.SENT && d.startsWith("sent via ")) {
            return 1;
        }
        return e.status() == MessageStatus.BOUNCED || e.status() == MessageStatus.DELAYED
                || d.startsWith("read receipt") ? 2 : 0;
    }

    private Page<MessageRecord> page(String where, String value, PageRequest page) {
        return page(where, page, value);
    }

    private Page<MessageRecord> page(String where, PageRequest page, String... values) {
        return jdbc.read("read the message history", c -> {
            long total = Jdbc.query(c, "SELECT COUNT(*) FROM " + MESSAGES + " WHERE " + where, ps -> {
                for (int i = 0; i < values.length; i++) {
                    ps.setString(i + 1, values[i]);
                }
            }, rs -> rs.getLong(1)).get(0);
            List<MessageRecord> items = MessageRows.records(c, "SELECT " + RECORD_COLUMNS + " FROM " + MESSAGES
                    + " WHERE " + where + " ORDER BY created_at DESC, id DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY",
                    ps -> {
                        for (int i = 0; i < values.length; i++) {
                            ps.setString(i + 1, values[i]);
                        }
                        ps.setInt(values.length + 1, page.offset());
                        ps.setInt(values.length + 2, page.limit());
                    });
            return new Page<>(items, page, total);
        });
    }
}
