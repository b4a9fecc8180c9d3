package io.talentats.email.store.internal;

import static io.talentats.email.store.internal.Columns.cut;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Suppression;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.InboundMessage;
import io.talentats.email.store.MailboxStats;
import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore.Bounce;
import io.talentats.email.store.ReplyStore.Recorded;
import io.talentats.email.store.WatchLeases;

/** What the reply collector reads and writes: checkpoints, the outbound messages replies answer, the replies. */
final class ReplyTables {

    private static final String OUTBOUND_REF = "SELECT id, user_id, internet_message_id, thread_id, candidate_id, "
            + "application_id, created_at, primary_recipient FROM email_message WHERE direction = 'OUTBOUND' "
            + "AND (user_id = ? OR ? = '" + MailAccount.PLATFORM_USER_ID + "') AND ";
    /** Most values in one {@code IN (...)}. */
    private static final int CHUNK = 500;

    private final Jdbc jdbc;
    private final Clock clock;

    ReplyTables(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Optional<Checkpoint> checkpoint(String userId, String folder) {
        return jdbc.query("SELECT uid_validity, last_uid, updated_at, api_cursor FROM email_mailbox_checkpoint "
                + "WHERE user_id = ? AND folder = ?", ps -> {
                    ps.setString(1, userId);
                    ps.setString(2, folder);
                }, rs -> new Checkpoint(userId, folder, rs.getLong(1), rs.getLong(2),
                        Instant.ofEpochMilli(rs.getLong(3)), rs.getString(4))).stream().findFirst();
    }

    MailboxStats stats(String userId) {
        return jdbc.query("SELECT SUM(replies_recorded), MAX(last_reply_at) FROM email_mailbox_checkpoint "
                + "WHERE user_id = ?", ps -> ps.setString(1, userId), rs -> {
                    long n = rs.getLong(1);
                    long last = rs.getLong(2);
                    return new MailboxStats(n, rs.wasNull() ? null : Instant.ofEpochMilli(last));
                }).stream().findFirst().orElse(MailboxStats.NONE);
    }

    Optional<Instant> firstOutboundAt(String userId) {
        return jdbc.query("SELECT MIN(created_at) FROM email_message WHERE user_id = ? AND direction = 'OUTBOUND'",
                ps -> ps.setString(1, userId), rs -> {
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
                }).stream().findFirst();
    }

    List<OutboundRef> byMessageIds(String userId, Collection<String> messageIds) {
        return refs("internet_message_id", userId, messageIds, null);
    }

    List<OutboundRef> byTokens(String userId, Collection<String> tokens) {
        return refs("reply_token", userId, tokens, null);
    }

    List<OutboundRef> sentTo(String userId, Collection<String> addresses, Instant since) {
        List<String> lower = addresses.stream().map(a -> a.trim().toLowerCase(Locale.ROOT)).distinct().toList();
        return refs("primary_recipient", userId, lower, since);
    }

    private List<OutboundRef> refs(String column, String userId, Collection<String> values, Instant since) {
        List<String> list = values.stream().filter(v -> v != null && !v.isBlank()).distinct().toList();
        List<OutboundRef> out = new ArrayList<>();
        for (int from = 0; from < list.size(); from += CHUNK) {
            List<String> chunk = list.subList(from, Math.min(list.size(), from + CHUNK));
            out.addAll(jdbc.query(OUTBOUND_REF + column + " IN (" + Jdbc.placeholders(chunk.size()) + ")"
                    + (since == null ? "" : " AND created_at >= ?") + " ORDER BY created_at DESC", ps -> {
                        ps.setString(1, userId);
                        ps.setString(2, userId);
                        for (int i = 0; i < chunk.size(); i++) {
                            ps.setString(i + 3, chunk.get(i));
                        }
                        if (since != null) {
                            ps.setLong(chunk.size() + 3, since.toEpochMilli());
                        }
                    }, rs -> new OutboundRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8))));
        }
        return out;
    }

    List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint, WatchLeases.Lease lease) {
        long now = clock.millis();
        return jdbc.write("record collected replies", c -> {
            if (lease != null && checkpoint != null) {
                WatchLeaseTable.fence(c, lease, checkpoint.folder());
            }
            List<Recorded> recorded = new ArrayList<>();
            for (InboundMessage m : messages) {
                if (seen(c, m.userId(), m.dedupeKey())) {
                    continue;
                }
                String id = MessageIds.next(now);
                insert(c, id, now, m);
                recorded.add(new Recorded(id, m));
            }
            if (checkpoint != null) {
                long replies = recorded.stream().filter(r -> r.message().candidateReply()).count();
                saveCheckpoint(c, checkpoint, now, replies, lease == null ? null : lease.fencing());
            }
            return recorded;
        });
    }

    /** Ties a triage item to one of the same user's outbound messages; {@code false} if either is not as expected. */
    boolean assignTriage(String messageId, String outboundId) {
        long now = clock.millis();
        return jdbc.write("assign a triage item", c -> {
            List<OutboundRef> target = Jdbc.query(c, "SELECT o.id, o.user_id, o.internet_message_id, o.thread_id, "
                    + "o.candidate_id, o.application_id, o.created_at, o.primary_recipient FROM email_message o "
                    + "JOIN email_message t ON t.user_id = o.user_id JOIN email_delivery d ON d.message_id = t.id "
                    + "WHERE o.id = ? AND o.direction = 'OUTBOUND' AND t.id = ? AND t.direction = 'INBOUND' "
                    + "AND d.status = 'TRIAGE'", ps -> {
                        ps.setString(1, outboundId);
                        ps.setString(2, messageId);
                    }, rs -> new OutboundRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8)));
            if (target.isEmpty()) {
                return false;
            }
            OutboundRef o = target.get(0);
            Jdbc.update(c, "UPDATE email_message SET in_reply_to_id = ?, thread_id = ?, candidate_id = ?, "
                    + "application_id = ? WHERE id = ?", ps -> {
                        ps.setString(1, o.id());
                        ps.setString(2, o.threadId());
                        ps.setString(3, o.candidateId());
                        ps.setString(4, o.applicationId());
                        ps.setString(5, messageId);
                    });
            resolveTriage(c, messageId, MessageStatus.RECEIVED, now, "assigned by a person to message " + o.id()
                    + (o.threadId() == null ? "" : " of thread " + o.threadId()));
            return true;
        });
    }

    boolean dismissTriage(String messageId) {
        long now = clock.millis();
        return jdbc.write("dismiss a triage item", c -> resolveTriage(c, messageId, MessageStatus.DISMISSED, now,
                "dismissed by a person: no reply to one of our messages"));
    }

    private static boolean resolveTriage(Connection c, String messageId, MessageStatus to, long now, String why)
            throws SQLException {
        boolean done = Jdbc.update(c, "UPDATE email_delivery SET status = ?, updated_at = ? WHERE message_id = ? "
                + "AND status = 'TRIAGE'", ps -> {
                    ps.setString(1, to.name());
                    ps.setLong(2, now);
                    ps.setString(3, messageId);
                }) == 1;
        if (done) {
            MessageRows.event(c, messageId, now, to, why);
        }
        return done;
    }

    private static boolean seen(Connection c, String userId, String dedupeKey) throws SQLException {
        return !Jdbc.query(c, "SELECT 1 FROM email_message WHERE user_id = ? AND idempotency_key = ?", ps -> {
            ps.setString(1, userId);
            ps.setString(2, dedupeKey);
        }, rs -> Boolean.TRUE).isEmpty();
    }

    private static void insert(Connection c, String id, long now, InboundMessage m) throws SQLException {
        OutboundRef a = m.answers();
        String to = Jdbc.join(m.to());
        Jdbc.update(c, "INSERT INTO email_message (id, direction, user_id, to_addresses, subject, text_body, "
                + "html_body, reply_text, candidate_id, application_id, thread_id, idempotency_key, "
                + "internet_message_id, in_reply_to_id, created_at, kind) "
                + "VALUES (?, 'INBOUND', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    int i = 1;
                    ps.setString(15, m.kind() == null ? null : m.kind().name());
                    ps.setString(i++, id);
                    ps.setString(i++, m.userId());
                    ps.setString(i++, cut(to == null ? "" : to, Columns.TO_ADDRESSES));
                    ps.setString(i++, cut(m.subject(), Columns.SUBJECT));
                    Jdbc.setText(ps, i++, cut(m.textBody(), Columns.TEXT));
                    Jdbc.setText(ps, i++, cut(m.htmlBody(), Columns.TEXT));
                    Jdbc.setText(ps, i++, cut(m.replyText(), Columns.TEXT));
                    ps.setString(i++, a == null ? null : a.candidateId());
                    ps.setString(i++, a == null ? null : a.applicationId());
                    ps.setString(i++, a == null ? null : a.threadId());
                    ps.setString(i++, m.dedupeKey());
                    ps.setString(i++, cut(m.internetMessageId(), Columns.INTERNET_MESSAGE_ID));
                    ps.setString(i++, a == null ? null : a.id());
                    ps.setLong(i, now);
                });
        Jdbc.update(c, "INSERT INTO email_delivery (message_id, status, from_header, updated_at, completed_at, "
                + "failure_reason) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, id);
                    ps.setString(2, m.status().name());
                    ps.setString(3, cut(m.from(), Columns.FROM_HEADER));
                    ps.setLong(4, now);
                    ps.setLong(5, m.receivedAt() == null ? now : m.receivedAt().toEpochMilli());
                    ps.setString(6, cut(m.note(), Columns.FAILURE_REASON));
                });
        MessageRows.insertAttachments(c, id, m.attachments());
        if (m.note() != null) {
            MessageRows.event(c, id, now, m.status(), m.note());
        }
    }

    boolean recordBounce(Bounce b) {
        long now = clock.millis();
        MessageStatus to = b.hard() ? MessageStatus.BOUNCED : MessageStatus.DELAYED;
        return jdbc.write("record a bounce", c -> {
            List<String[]> found = Jdbc.query(c, "SELECT d.status, m.to_addresses, CASE WHEN d.lease_owner IS NOT "
                    + "NULL AND d.next_attempt_at IS NOT NULL THEN 'leased' ELSE 'no' END FROM email_delivery d JOIN "
                    + "email_message m ON m.id = d.message_id WHERE d.message_id = ? AND (m.user_id = ? OR ? = '"
                    + MailAccount.PLATFORM_USER_ID + "') AND m.direction = 'OUTBOUND'", ps -> {
                        ps.setString(1, b.outboundId());
                        ps.setString(2, b.userId());
                        ps.setString(3, b.userId());
                    }, rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            if (found.isEmpty()) {
                return false;
            }
            String now0 = found.get(0)[0];
            String recipient = b.recipient() != null ? b.recipient()
                    : Jdbc.split(found.get(0)[1]).stream().findFirst().orElse(null);
            // A hard failure with a 4.x.x status is a delivery that expired: the server gave up after retrying
            boolean expired = b.hard() && b.statusCode() != null && b.statusCode().startsWith("4");
            String detail = (expired ? "gave up after retrying" : b.hard() ? "bounced" : "delivery delayed")
                    + " (" + b.statusCode() + ")"
                    + (recipient == null ? "" : " for " + recipient)
                    + (b.diagnostic() == null ? "" : ": " + b.diagnostic());
            // Being sent (leased) and not yet recorded SENT: the send's commit is asynchronous, or on another node,
            // and a quick report can be read first. The report proves a server accepted it: it applies now, the
            // message leaves the outbox, and the send's commit keeps what it says.
            boolean inFlight = "leased".equals(found.get(0)[2]) && !now0.equals("SENT") && !now0.equals("DELAYED")
                    && !now0.equals("BOUNCED");
            // SENT → DELAYED → BOUNCED; a report read again, or a delay after a bounce, changes nothing.
            boolean changes = inFlight || (b.hard() ? !now0.equals("BOUNCED")
                    && (now0.equals("SENT") || now0.equals("DELAYED")) : now0.equals("SENT"));
            if (inFlight) {
                Jdbc.update(c, "UPDATE email_delivery SET completed_at = COALESCE(completed_at, ?), next_attempt_at = "
                        + "NULL, lease_owner = NULL, lease_until = NULL WHERE message_id = ?", ps -> {
                            ps.setLong(1, now);
                            ps.setString(2, b.outboundId());
                        });
            }
            if (changes) {
                // The reply of the server that accepted the message stays: the timeline's "sent" step shows it
                Jdbc.update(c, "UPDATE email_delivery SET status = ?, failure_reason = ?, updated_at = ? "
                        + "WHERE message_id = ?", ps -> {
                            ps.setString(1, to.name());
                            ps.setString(2, cut(detail, Columns.FAILURE_REASON));
                            ps.setLong(3, now);
                            ps.setString(4, b.outboundId());
                        });
                MessageRows.event(c, b.outboundId(), now, to, detail);
            }
            // Only a permanent failure (5.x.x) says the address does not work; an expiry may be the server's outage
            if (b.hard() && !expired && recipient != null && Jdbc.query(c, "SELECT 1 FROM email_suppression WHERE user_id = ? "
                    + "AND address = ?", ps -> {
                        ps.setString(1, b.userId());
                        ps.setString(2, recipient.toLowerCase(Locale.ROOT));
                    }, rs -> Boolean.TRUE).isEmpty()) {
                Jdbc.update(c, "INSERT INTO email_suppression (user_id, address, status_code, reason, message_id, "
                        + "created_at) VALUES (?, ?, ?, ?, ?, ?)", ps -> {
                            ps.setString(1, b.userId());
                            ps.setString(2, cut(recipient.toLowerCase(Locale.ROOT), Columns.SUPPRESSED_ADDRESS));
                            ps.setString(3, cut(b.statusCode(), Columns.STATUS_CODE));
                            Jdbc.setText(ps, 4, cut(b.diagnostic(), Columns.SUPPRESSION_REASON));
                            ps.setString(5, b.outboundId());
                            ps.setLong(6, now);
                        });
            }
            return changes;
        });
    }

    void recordReadReceipt(String userId, String outboundId, String detail) {
        long now = clock.millis();
        jdbc.write("record a read receipt", c -> {
            List<String> status = Jdbc.query(c, "SELECT d.status FROM email_delivery d JOIN email_message m ON "
                    + "m.id = d.message_id WHERE d.message_id = ? AND m.user_id = ? AND m.direction = 'OUTBOUND'",
                    ps -> {
                        ps.setString(1, outboundId);
                        ps.setString(2, userId);
                    }, rs -> rs.getString(1));
            boolean seenBefore = !Jdbc.query(c, "SELECT 1 FROM email_message_event WHERE message_id = ? AND detail "
                    + "LIKE 'read receipt%'", ps -> ps.setString(1, outboundId), rs -> Boolean.TRUE).isEmpty();
            if (!status.isEmpty() && !seenBefore) {
                MessageRows.event(c, outboundId, now, MessageStatus.valueOf(status.get(0)), "read receipt: " + detail);
            }
            return null;
        });
    }

    List<Suppression> suppressions(String userId, List<String> addresses) {
        return jdbc.read("query the message database", c -> suppressions(c,
                userId == null ? null : List.of(userId), addresses));
    }

    /**
     * The newest suppression of one of {@code addresses} under one of {@code userIds}, or {@code null}: the look the
     * outbox makes in the transaction that stores a message.
     */
    static Suppression firstSuppression(Connection c, List<String> userIds, List<String> addresses)
            throws SQLException {
        List<Suppression> found = suppressions(c, userIds, addresses);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Suppressions of {@code addresses} under {@code userIds}, newest first; {@code null} for either: any. */
    private static List<Suppression> suppressions(Connection c, List<String> userIds, List<String> addresses)
            throws SQLException {
        if (userIds != null && userIds.isEmpty() || addresses != null && addresses.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT user_id, address, status_code, reason, message_id, created_at "
                + "FROM email_suppression WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        if (userIds != null) {
            sql.append(" AND user_id IN (").append(Jdbc.placeholders(userIds.size())).append(")");
            args.addAll(userIds);
        }
        if (addresses != null) {
            sql.append(" AND address IN (").append(Jdbc.placeholders(addresses.size())).append(")");
            addresses.forEach(a -> args.add(a.trim().toLowerCase(Locale.ROOT)));
        }
        sql.append(" ORDER BY created_at DESC");
        return Jdbc.query(c, sql.toString(), ps -> {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
        }, ReplyTables::suppression);
    }

    private static Suppression suppression(java.sql.ResultSet rs) throws SQLException {
        return new Suppression(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)));
    }

    boolean clearSuppression(String userId, String address) {
        return jdbc.write("clear a suppressed address", c -> Jdbc.update(c, "DELETE FROM email_suppression WHERE "
                + "user_id = ? AND address = ?", ps -> {
                    ps.setString(1, userId);
                    ps.setString(2, address.trim().toLowerCase(Locale.ROOT));
                }) == 1);
    }

    private static void saveCheckpoint(Connection c, Checkpoint cp, long now, long replies, Long fencing)
            throws SQLException {
        int updated = Jdbc.update(c, "UPDATE email_mailbox_checkpoint SET uid_validity = ?, last_uid = ?, "
                + "updated_at = ?, replies_recorded = replies_recorded + ?, "
                + "last_reply_at = CASE WHEN ? > 0 THEN ? ELSE last_reply_at END, fencing = COALESCE(?, fencing), "
                + "api_cursor = ? WHERE user_id = ? AND folder = ?",
                ps -> {
                    ps.setLong(1, cp.uidValidity());
                    ps.setLong(2, cp.lastUid());
                    ps.setLong(3, now);
                    ps.setLong(4, replies);
                    ps.setLong(5, replies);
                    ps.setLong(6, now);
                    Jdbc.setLong(ps, 7, fencing);
                    ps.setString(8, cp.cursor());
                    ps.setString(9, cp.userId());
                    ps.setString(10, cp.folder());
                });
        if (updated == 0) {
            Jdbc.update(c, "INSERT INTO email_mailbox_checkpoint (user_id, folder, uid_validity, last_uid, updated_at, "
                    + "replies_recorded, last_reply_at, fencing, api_cursor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                        ps.setString(1, cp.userId());
                        ps.setString(2, cp.folder());
                        ps.setLong(3, cp.uidValidity());
                        ps.setLong(4, cp.lastUid());
                        ps.setLong(5, now);
                        ps.setLong(6, replies);
                        Jdbc.setLong(ps, 7, replies > 0 ? now : null);
                        Jdbc.setLong(ps, 8, fencing);
                        ps.setString(9, cp.cursor());
                    });
        }
    }
}
