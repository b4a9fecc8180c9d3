package io.talentats.email.store.internal;

import static io.talentats.email.store.internal.Columns.cut;
import static io.talentats.email.store.internal.MessageRows.MESSAGES;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageContent;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboxStats;
import io.talentats.email.api.Route;
import io.talentats.email.api.Suppression;
import io.talentats.email.store.Delivery;
import io.talentats.email.store.EnqueueResult;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.OutboundMail;
import io.talentats.email.store.StoredOutbound;
import io.talentats.email.store.ThreadTip;

/**
 * The outbox: outbound messages stored and queued in one transaction, leased while a worker sends them, and taken
 * out of the queue in the transaction that records how they ended.
 */
final class OutboxTables {

    /**
     * A message is queued while its {@code next_attempt_at} is set: to when it is due, to when the lease of the
     * worker sending it runs out, or to this while it is held. Queries on the queue read the index from 0, so that
     * finished messages (NULL) are never visited.
     */
    static final long HELD = Long.MAX_VALUE;
    /** Takes a message out of the queue. */
    /**
     * A delivery report (bounce or delay) proves a server accepted the message: once one is recorded, a send that
     * thought it failed neither retries nor fails it (that would send it twice), and the send's own commit keeps
     * what the report said.
     */
    private static final String NOT_REPORTED = " AND status NOT IN ('BOUNCED', 'DELAYED')";
    private static final String AFTER_REPORT = "status = CASE WHEN status IN ('BOUNCED', 'DELAYED') THEN status "
            + "ELSE 'SENT' END, failure_reason = CASE WHEN status IN ('BOUNCED', 'DELAYED') THEN failure_reason "
            + "ELSE NULL END";
    private static final String DEQUEUED = "next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL";

    private static final String OUTBOUND_COLUMNS = "id, user_id, kind, status, route, sender_name, sender_address, "
            + "to_addresses, cc_addresses, subject, text_body, html_body, candidate_id, application_id, thread_id, "
            + "idempotency_key, reply_token, internet_message_id, in_reply_to_header, references_header, created_at, "
            + "attempts";

    private final Jdbc jdbc;
    private final Clock clock;

    OutboxTables(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Stores and queues a message; leased to {@code owner} for {@code lease} when an owner is given. */
    EnqueueResult enqueue(NewOutbound m, String owner, Duration lease) {
        long now = clock.millis();
        String id = MessageIds.next(now);
        String key = m.mail().idempotencyKey();
        try {
            return jdbc.writeOrThrow(c -> {
                if (key != null) {
                    Optional<EnqueueResult> earlier = byIdempotencyKey(c, m.mail().userId(), key);
                    if (earlier.isPresent()) {
                        return earlier.get();
                    }
                }
                Suppression bounced = m.bounces() == null ? null : ReplyTables.firstSuppression(c,
                        m.bounces().userIds(), recipients(m.mail().content()));
                if (bounced != null && m.bounces().refuse()) {
                    return EnqueueResult.refused(bounced);
                }
                NewOutbound n = bounced == null ? m
                        : m.withRouteReason(m.routeReason() + "; warning: " + bounced.describe());
                long leaseUntil = owner == null ? 0 : now + lease.toMillis();
                insert(c, id, now, n, owner, leaseUntil);
                StoredOutbound stored = owner == null ? null
                        : new StoredOutbound(id, n.mail(), n.status(), n.route(), Instant.ofEpochMilli(now), 0);
                return new EnqueueResult(id, n.route(), false, stored, bounced);
            });
        } catch (SQLException e) {
            if (key != null && Jdbc.isUniqueViolation(e)) {
                // Another node stored a message with the same key first: answer with it.
                Optional<EnqueueResult> earlier = jdbc.read("store the message",
                        c -> byIdempotencyKey(c, m.mail().userId(), key));
                if (earlier.isPresent()) {
                    return earlier.get();
                }
            }
            throw Jdbc.failure("store the message", e);
        }
    }

    private static List<String> recipients(MessageContent content) {
        List<String> all = new ArrayList<>(content.to());
        all.addAll(content.cc());
        return all;
    }

    private static void insert(Connection c, String id, long now, NewOutbound n, String owner, long leaseUntil)
            throws SQLException {
        OutboundMail m = n.mail();
        MessageContent content = m.content();
        Jdbc.update(c, "INSERT INTO email_message (id, direction, kind, user_id, sender_name, sender_address, "
                + "to_addresses, cc_addresses, subject, text_body, html_body, candidate_id, application_id, thread_id, "
                + "idempotency_key, reply_token, internet_message_id, in_reply_to_header, references_header, "
                + "created_at, primary_recipient) "
                + "VALUES (?, 'OUTBOUND', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    int i = 1;
                    ps.setString(i++, id);
                    ps.setString(i++, m.kind().name());
                    ps.setString(i++, m.userId());
                    ps.setString(i++, m.senderName());
                    ps.setString(i++, m.senderAddress());
                    ps.setString(i++, Jdbc.join(content.to()));
                    ps.setString(i++, Jdbc.join(content.cc()));
                    ps.setString(i++, content.subject());
                    Jdbc.setText(ps, i++, content.textBody());
                    Jdbc.setText(ps, i++, content.htmlBody());
                    ps.setString(i++, content.candidateId());
                    ps.setString(i++, content.applicationId());
                    ps.setString(i++, content.threadId());
                    ps.setString(i++, m.idempotencyKey());
                    ps.setString(i++, m.replyToken());
                    ps.setString(i++, m.internetMessageId());
                    ps.setString(i++, m.inReplyToHeader());
                    ps.setString(i++, m.referencesHeader());
                    ps.setLong(i++, now);
                    ps.setString(i, content.to().isEmpty() ? null
                            : content.to().get(0).trim().toLowerCase(Locale.ROOT));
                });
        Jdbc.update(c, "INSERT INTO email_delivery (message_id, status, route, route_reason, updated_at, "
                + "next_attempt_at, lease_owner, lease_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, id);
                    ps.setString(2, n.status().name());
                    ps.setString(3, n.route().name());
                    ps.setString(4, cut(n.routeReason(), Columns.ROUTE_REASON));
                    ps.setLong(5, now);
                    // Queued: due now, never while held, or when the lease of the worker it went to runs out.
                    ps.setLong(6, n.status() == MessageStatus.HELD ? HELD : owner != null ? leaseUntil : now);
                    ps.setString(7, owner);
                    Jdbc.setLong(ps, 8, owner == null ? null : leaseUntil);
                });
        MessageRows.insertAttachments(c, id, content.attachments());
        if (n.status() != MessageStatus.QUEUED) {
            MessageRows.event(c, id, now, n.status(), n.routeReason());
        }
    }

    private static Optional<EnqueueResult> byIdempotencyKey(Connection c, String userId, String key)
            throws SQLException {
        return Jdbc.query(c, "SELECT id, route FROM " + MESSAGES + " WHERE user_id = ? AND idempotency_key = ?", ps -> {
            ps.setString(1, userId);
            ps.setString(2, key);
        }, rs -> new EnqueueResult(rs.getString(1), Route.valueOf(rs.getString(2)), true, null)).stream().findFirst();
    }

    List<StoredOutbound> claimDue(String owner, int max, Duration lease) {
        long now = clock.millis();
        return jdbc.write("claim outbox entries", c -> {
            // Rows another node is claiming right now are skipped, not waited for (SKIP LOCKED: PostgreSQL, H2 2.3);
            // the update below still takes only rows that are due, so a claim is never doubled either way.
            List<String> due = Jdbc.query(c, "SELECT message_id FROM email_delivery WHERE next_attempt_at BETWEEN 0 "
                    + "AND ? ORDER BY next_attempt_at, message_id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY "
                    + "FOR UPDATE SKIP LOCKED", ps -> {
                        ps.setLong(1, now);
                        ps.setInt(2, max);
                    }, rs -> rs.getString(1));
            if (due.isEmpty()) {
                return List.of();
            }
            List<String> leased = new ArrayList<>();
            // A leased entry is due again when its lease runs out: claims never scan past entries being sent.
            try (PreparedStatement ps = c.prepareStatement("UPDATE email_delivery SET lease_owner = ?, "
                    + "lease_until = ?, next_attempt_at = ? WHERE message_id = ? AND next_attempt_at BETWEEN 0 AND ?")) {
                for (String id : due) {
                    ps.setString(1, owner);
                    ps.setLong(2, now + lease.toMillis());
                    ps.setLong(3, now + lease.toMillis());
                    ps.setString(4, id);
                    ps.setLong(5, now);
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] != 0) {
                        leased.add(due.get(i));
                    }
                }
            }
            return load(c, leased);
        });
    }

    Optional<Instant> nextDue() {
        return jdbc.query("SELECT next_attempt_at FROM email_delivery WHERE next_attempt_at BETWEEN 0 AND ? "
                + "ORDER BY next_attempt_at OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY", ps -> ps.setLong(1, HELD - 1),
                rs -> Instant.ofEpochMilli(rs.getLong(1))).stream().findFirst();
    }

    CompletionStage<Void> markSent(Delivery d) {
        long now = clock.millis();
        return jdbc.writeLater(c -> {
            // A report read before this commit (the send's commit is asynchronous) already says how it ended
            Jdbc.update(c, "UPDATE email_delivery SET " + AFTER_REPORT + ", route = ?, route_reason = ?, "
                    + "from_header = ?, reply_to_header = ?, attempts = ?, last_server_reply = ?, sent_copy = ?, "
                    + "updated_at = ?, completed_at = ?, " + DEQUEUED + " WHERE message_id = ?", ps -> {
                        ps.setString(1, d.route().name());
                        ps.setString(2, cut(d.routeReason(), Columns.ROUTE_REASON));
                        ps.setString(3, cut(d.from(), Columns.FROM_HEADER));
                        ps.setString(4, cut(d.replyTo(), Columns.REPLY_TO_HEADER));
                        ps.setInt(5, d.attempts());
                        ps.setString(6, cut(d.serverReply(), Columns.LAST_SERVER_REPLY));
                        ps.setString(7, d.sentCopy().name());
                        ps.setLong(8, now);
                        ps.setLong(9, now);
                        ps.setString(10, d.id());
                    });
            if (d.sentCopy() == SentCopy.PENDING) {
                Jdbc.update(c, "INSERT INTO email_pending_copy (message_id) VALUES (?)", ps -> ps.setString(1, d.id()));
            }
            return null;
        });
    }

    void reschedule(String id, MessageStatus status, Instant next, int attempts, String reason, String serverReply) {
        long now = clock.millis();
        jdbc.write("reschedule a message", c -> {
            int n = Jdbc.update(c, "UPDATE email_delivery SET status = ?, attempts = ?, failure_reason = ?, "
                    + "last_server_reply = COALESCE(?, last_server_reply), updated_at = ?, next_attempt_at = ?, "
                    + "lease_owner = NULL, lease_until = NULL WHERE message_id = ?" + NOT_REPORTED, ps -> {
                        ps.setString(1, status.name());
                        ps.setInt(2, attempts);
                        ps.setString(3, cut(reason, Columns.FAILURE_REASON));
                        ps.setString(4, cut(serverReply, Columns.LAST_SERVER_REPLY));
                        ps.setLong(5, now);
                        ps.setLong(6, next == null ? HELD : next.toEpochMilli());
                        ps.setString(7, id);
                    });
            if (n > 0) {
                MessageRows.event(c, id, now, status, reason);
            }
            return null;
        });
    }

    void markFailed(String id, int attempts, String reason, String serverReply) {
        long now = clock.millis();
        jdbc.write("record a failure", c -> {
            int n = Jdbc.update(c, "UPDATE email_delivery SET status = 'FAILED', attempts = ?, failure_reason = ?, "
                    + "last_server_reply = COALESCE(?, last_server_reply), updated_at = ?, completed_at = ?, "
                    + DEQUEUED + " WHERE message_id = ?" + NOT_REPORTED, ps -> {
                        ps.setInt(1, attempts);
                        ps.setString(2, cut(reason, Columns.FAILURE_REASON));
                        ps.setString(3, cut(serverReply, Columns.LAST_SERVER_REPLY));
                        ps.setLong(4, now);
                        ps.setLong(5, now);
                        ps.setString(6, id);
                    });
            if (n > 0) {
                MessageRows.event(c, id, now, MessageStatus.FAILED, reason);
            }
            return null;
        });
    }

    int release(String owner) {
        long now = clock.millis();
        return jdbc.write("release leases", c -> Jdbc.update(c, "UPDATE email_delivery SET lease_owner = NULL, "
                + "lease_until = NULL, next_attempt_at = ? WHERE next_attempt_at BETWEEN 0 AND ? AND lease_owner = ?",
                ps -> {
                    ps.setLong(1, now);
                    ps.setLong(2, HELD);
                    ps.setString(3, owner);
                }));
    }

    void releaseClaim(String id, String owner) {
        jdbc.writeLater(c -> Jdbc.update(c, "UPDATE email_delivery SET lease_owner = NULL, lease_until = NULL, "
                + "next_attempt_at = ? WHERE message_id = ? AND lease_owner = ? AND next_attempt_at BETWEEN 0 AND ?",
                ps -> {
                    ps.setLong(1, clock.millis());
                    ps.setString(2, id);
                    ps.setString(3, owner);
                    ps.setLong(4, HELD - 1);
                }));
    }

    boolean requeue(String id) {
        long now = clock.millis();
        return jdbc.write("requeue a message", c -> {
            // A new round of attempts: the earlier ones stay in the timeline. Only outbound messages are ever FAILED.
            boolean done = Jdbc.update(c, "UPDATE email_delivery SET status = 'QUEUED', failure_reason = NULL, "
                    + "completed_at = NULL, updated_at = ?, attempts = 0, next_attempt_at = ? "
                    + "WHERE message_id = ? AND status = 'FAILED'", ps -> {
                        ps.setLong(1, now);
                        ps.setLong(2, now);
                        ps.setString(3, id);
                    }) == 1;
            if (done) {
                MessageRows.event(c, id, now, MessageStatus.QUEUED, "queued again by request");
            }
            return done;
        });
    }

    int releaseHeld() {
        return releaseHeld(null, "email connectivity is on again");
    }

    /**
     * Makes held messages due now, each with {@code detail} on its timeline: every held message, or only the user's
     * ({@code userId} not {@code null}). Set-based, however many; held ones are found through the queue's index.
     */
    int releaseHeld(String userId, String detail) {
        long now = clock.millis();
        String mine = userId == null ? "" : " AND message_id IN (SELECT id FROM email_message WHERE user_id = ?)";
        return jdbc.write("release held messages", c -> {
            Jdbc.update(c, "INSERT INTO email_message_event (message_id, at, status, detail) SELECT message_id, ?, "
                    + "'QUEUED', ? FROM email_delivery WHERE next_attempt_at = ? AND status = 'HELD'" + mine, ps -> {
                        ps.setLong(1, now);
                        ps.setString(2, Columns.cut(detail, Columns.EVENT_DETAIL));
                        ps.setLong(3, HELD);
                        if (userId != null) {
                            ps.setString(4, userId);
                        }
                    });
            return Jdbc.update(c, "UPDATE email_delivery SET status = 'QUEUED', updated_at = ?, next_attempt_at = ? "
                    + "WHERE next_attempt_at = ? AND status = 'HELD'" + mine, ps -> {
                        ps.setLong(1, now);
                        ps.setLong(2, now);
                        ps.setLong(3, HELD);
                        if (userId != null) {
                            ps.setString(4, userId);
                        }
                    });
        });
    }

    void recordSentCopy(String id, SentCopy state, String detail) {
        jdbc.write("record the sent copy", c -> {
            Jdbc.update(c, "UPDATE email_delivery SET sent_copy = ?, sent_copy_detail = ? WHERE message_id = ?", ps -> {
                ps.setString(1, state.name());
                ps.setString(2, cut(detail, Columns.SENT_COPY_DETAIL));
                ps.setString(3, id);
            });
            if (state != SentCopy.PENDING) {
                Jdbc.update(c, "DELETE FROM email_pending_copy WHERE message_id = ?", ps -> ps.setString(1, id));
            }
            return null;
        });
    }

    List<StoredOutbound> pendingSentCopies(int max) {
        return jdbc.read("read pending sent copies", c -> load(c, Jdbc.query(c, "SELECT message_id FROM "
                + "email_pending_copy ORDER BY message_id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY",
                ps -> ps.setInt(1, max), rs -> rs.getString(1))));
    }

    Optional<ThreadTip> threadTip(String threadId) {
        return jdbc.query("SELECT internet_message_id, references_header FROM email_message WHERE thread_id = ? "
                        + "AND internet_message_id IS NOT NULL ORDER BY created_at DESC, id DESC "
                        + "OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY",
                ps -> ps.setString(1, threadId),
                rs -> new ThreadTip(rs.getString(1), rs.getString(2))).stream().findFirst();
    }

    List<Instant> sentThroughUserSmtpSince(String userId, Instant since) {
        return jdbc.query("SELECT completed_at FROM " + MESSAGES + " WHERE user_id = ? AND status = 'SENT' "
                        + "AND route = 'USER_SMTP' AND completed_at >= ? ORDER BY completed_at",
                ps -> {
                    ps.setString(1, userId);
                    ps.setLong(2, since.toEpochMilli());
                },
                rs -> Instant.ofEpochMilli(rs.getLong(1)));
    }

    OutboxStats stats() {
        long now = clock.millis();
        long dayAgo = now - Duration.ofDays(1).toMillis();
        Map<String, Long> byStatus = new HashMap<>();
        jdbc.query("SELECT s, COUNT(*) FROM (SELECT CASE WHEN lease_until >= ? THEN 'SENDING' ELSE status END AS s "
                + "FROM email_delivery WHERE next_attempt_at BETWEEN 0 AND ?) queued GROUP BY s", ps -> {
                    ps.setLong(1, now);
                    ps.setLong(2, HELD);
                }, rs -> byStatus.put(rs.getString(1), rs.getLong(2)));
        long failed = jdbc.query("SELECT COUNT(*) FROM email_delivery WHERE status = 'FAILED' AND completed_at >= ?",
                ps -> ps.setLong(1, dayAgo), rs -> rs.getLong(1)).get(0);
        return new OutboxStats(byStatus.getOrDefault("QUEUED", 0L), byStatus.getOrDefault("RETRYING", 0L),
                byStatus.getOrDefault("HELD", 0L), byStatus.getOrDefault("SENDING", 0L), failed);
    }

    /** The messages with these ids, whole (attachments included), in the order of {@code ids}. */
    private static List<StoredOutbound> load(Connection c, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, List<Attachment>> attachments = new HashMap<>();
        Jdbc.forIds(c, "SELECT message_id, file_name, content_type, content FROM email_attachment "
                + "WHERE message_id IN (%s) ORDER BY message_id, position", ids,
                rs -> attachments.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new Attachment(rs.getString(2), rs.getString(3), rs.getBytes(4))));
        Map<String, StoredOutbound> byId = new LinkedHashMap<>();
        Jdbc.forIds(c, "SELECT " + OUTBOUND_COLUMNS + " FROM " + MESSAGES + " WHERE id IN (%s)", ids, rs -> {
            String id = rs.getString("id");
            MessageContent content = new MessageContent(
                    Jdbc.split(rs.getString("to_addresses")),
                    Jdbc.split(rs.getString("cc_addresses")),
                    rs.getString("subject"),
                    rs.getString("text_body"),
                    rs.getString("html_body"),
                    attachments.getOrDefault(id, List.of()),
                    rs.getString("candidate_id"),
                    rs.getString("application_id"),
                    rs.getString("thread_id"));
            OutboundMail mail = new OutboundMail(
                    rs.getString("user_id"),
                    MessageKind.valueOf(rs.getString("kind")),
                    rs.getString("sender_name"),
                    rs.getString("sender_address"),
                    content,
                    rs.getString("idempotency_key"),
                    rs.getString("reply_token"),
                    rs.getString("internet_message_id"),
                    rs.getString("in_reply_to_header"),
                    rs.getString("references_header"));
            byId.put(id, new StoredOutbound(id, mail, MessageStatus.valueOf(rs.getString("status")),
                    Route.valueOf(rs.getString("route")), Jdbc.instant(rs, "created_at"), rs.getInt("attempts")));
        });
        List<StoredOutbound> ordered = new ArrayList<>();
        for (String id : ids) {
            StoredOutbound s = byId.get(id);
            if (s != null) {
                ordered.add(s);
            }
        }
        return ordered;
    }
}
