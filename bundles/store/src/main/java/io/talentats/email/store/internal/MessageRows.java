package io.talentats.email.store.internal;

import static io.talentats.email.store.internal.Columns.cut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.AttachmentInfo;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRecord.Direction;
import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;

/** The rows every part of the store writes or reads the same way: messages as records, attachments, timelines. */
final class MessageRows {

    private MessageRows() {}

    /**
     * A message (written once) with its delivery state (email_delivery, which changes as it is sent). The column
     * names of the two tables differ, so queries name columns without saying whose.
     */
    static final String MESSAGES =
            "email_message JOIN email_delivery ON email_delivery.message_id = email_message.id";

    static final String RECORD_COLUMNS = "id, direction, kind, user_id, status, route, route_reason, from_header, "
            + "reply_to_header, to_addresses, subject, text_body, html_body, reply_text, candidate_id, application_id, "
            + "thread_id, internet_message_id, in_reply_to_id, created_at, updated_at, completed_at, attempts, "
            + "last_server_reply, failure_reason, sent_copy";

    /** Records for a query over {@link #MESSAGES} selecting {@link #RECORD_COLUMNS}, with their attachments. */
    static List<MessageRecord> records(Connection c, String sql, Jdbc.Binder binder) throws SQLException {
        List<MessageRecord> out = Jdbc.query(c, sql, binder, MessageRows::record);
        if (out.isEmpty()) {
            return out;
        }
        Map<String, List<AttachmentInfo>> attachments = new HashMap<>();
        Jdbc.forIds(c, "SELECT message_id, file_name, content_type, size_bytes FROM email_attachment "
                + "WHERE message_id IN (%s) ORDER BY message_id, position", out.stream().map(MessageRecord::id).toList(),
                rs -> attachments.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new AttachmentInfo(rs.getString(2), rs.getString(3), rs.getLong(4))));
        return out.stream().map(r -> attachments.containsKey(r.id()) ? r.withAttachments(attachments.get(r.id())) : r)
                .toList();
    }

    private static MessageRecord record(ResultSet rs) throws SQLException {
        String kind = rs.getString("kind");
        String route = rs.getString("route");
        return new MessageRecord(
                rs.getString("id"),
                Direction.valueOf(rs.getString("direction")),
                kind == null ? null : MessageKind.valueOf(kind),
                rs.getString("user_id"),
                MessageStatus.valueOf(rs.getString("status")),
                route == null ? null : Route.valueOf(route),
                rs.getString("route_reason"),
                rs.getString("from_header"),
                rs.getString("reply_to_header"),
                Jdbc.split(rs.getString("to_addresses")),
                rs.getString("subject"),
                rs.getString("text_body"),
                rs.getString("html_body"),
                rs.getString("reply_text"),
                List.of(),
                rs.getString("candidate_id"),
                rs.getString("application_id"),
                rs.getString("thread_id"),
                rs.getString("internet_message_id"),
                rs.getString("in_reply_to_id"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "updated_at"),
                Jdbc.instant(rs, "completed_at"),
                rs.getInt("attempts"),
                rs.getString("last_server_reply"),
                rs.getString("failure_reason"),
                SentCopy.valueOf(rs.getString("sent_copy")));
    }

    /** Attachments in order; one whose content was not kept (too large) is recorded by name and type. */
    static void insertAttachments(Connection c, String id, List<Attachment> attachments) throws SQLException {
        if (attachments.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_attachment (message_id, position, "
                + "file_name, content_type, size_bytes, content) VALUES (?, ?, ?, ?, ?, ?)")) {
            int pos = 0;
            for (Attachment a : attachments) {
                ps.setString(1, id);
                ps.setInt(2, pos++);
                ps.setString(3, cut(a.fileName(), Columns.FILE_NAME));
                ps.setString(4, cut(a.contentType(), Columns.CONTENT_TYPE));
                ps.setLong(5, a.content() == null ? 0 : a.content().length);
                if (a.content() == null) {
                    ps.setNull(6, Types.BLOB);
                } else {
                    ps.setBytes(6, a.content());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Adds an entry to a message's timeline. */
    static void event(Connection c, String id, long at, MessageStatus status, String detail) throws SQLException {
        Jdbc.update(c, "INSERT INTO email_message_event (message_id, at, status, detail) VALUES (?, ?, ?, ?)", ps -> {
            ps.setString(1, id);
            ps.setLong(2, at);
            ps.setString(3, status.name());
            ps.setString(4, cut(detail, Columns.EVENT_DETAIL));
        });
    }
}
