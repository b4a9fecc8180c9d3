package io.talentats.email.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import javax.sql.DataSource;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.AttachmentInfo;
import io.talentats.email.api.MessageEvent;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRecord.Direction;
import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboxStats;
import io.talentats.email.api.Page;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.Route;
import io.talentats.email.store.Delivery;
import io.talentats.email.store.EnqueueResult;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.InboundMessage;
import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.StoredOutbound;
import io.talentats.email.store.ThreadTip;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * {@link MessageStore} and {@link MessageHistory} over JDBC. Plain SQL that H2 and PostgreSQL both run; every
 * change that must not be half-done is one transaction.
 */
@Component(service = {MessageStore.class, ReplyStore.class, MessageHistory.class}, configurationPid = StoreConfig.PID)
@Designate(ocd = StoreConfig.class)
public class JdbcMessageStore implements MessageStore, ReplyStore, MessageHistory {

    /** Separates addresses in one column; validated addresses never contain a line break. */
    private static final String LIST_SEPARATOR = "\n";

    static final String RECORD_COLUMNS = "id, direction, kind, user_id, status, route, route_reason, from_header, "
            + "reply_to_header, to_addresses, subject, text_body, html_body, reply_text, candidate_id, application_id, "
            + "thread_id, internet_message_id, in_reply_to_id, created_at, updated_at, completed_at, attempts, "
            + "last_server_reply, failure_reason, sent_copy";

    static final String OUTBOUND_COLUMNS = "id, user_id, kind, status, route, sender_name, sender_address, "
            + "to_addresses, cc_addresses, subject, text_body, html_body, candidate_id, application_id, thread_id, "
            + "reply_token, internet_message_id, in_reply_to_header, references_header, created_at, attempts";

    /**
     * A message (written once) with its delivery state (email_delivery, which changes as it is sent). The column
     * names of the two tables differ, so queries name columns without saying whose.
     */
    private static final String MESSAGES =
            "email_message JOIN email_delivery ON email_delivery.message_id = email_message.id";
    /**
     * A message is queued while its {@code next_attempt_at} is set: to when it is due, to when the lease of the
     * worker sending it runs out, or to this while it is held. Queries on the queue read the index from 0, so that
     * finished messages (NULL) are never visited.
     */
    static final long HELD = Long.MAX_VALUE;
    /** Takes a message out of the queue. */
    private static final String DEQUEUED = "next_attempt_at = NULL, lease_owner = NULL, lease_until = NULL";

    private final DataSource dataSource;
    private final Clock clock;
    private final GroupCommitter writer;

    @Activate
    public JdbcMessageStore(
            @Reference(name = "dataSource", target = "(dataSourceName=talentats-email)") DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    JdbcMessageStore(DataSource dataSource, Clock clock) {
        Schema.migrate(dataSource);
        this.dataSource = dataSource;
        this.clock = clock;
        this.writer = new GroupCommitter(dataSource);
    }

    /** Lets the writes already accepted commit, then stops the writer. */
    @Deactivate
    public void close() {
        writer.close();
    }

    // ---------------------------------------------------------------- outbox

    @Override
    public EnqueueResult enqueue(NewOutbound m) {
        return enqueue(m, null, null);
    }

    @Override
    public EnqueueResult enqueueLeased(NewOutbound m, String owner, Duration lease) {
        return enqueue(m, owner, lease);
    }

    private EnqueueResult enqueue(NewOutbound m, String owner, Duration lease) {
        long now = clock.millis();
        String id = MessageIds.next(now);
        try {
            return writer.apply(c -> {
                if (m.idempotencyKey() != null) {
                    Optional<EnqueueResult> earlier = byIdempotencyKey(c, m.userId(), m.idempotencyKey());
                    if (earlier.isPresent()) {
                        return earlier.get();
                    }
                }
                long leaseUntil = owner == null ? 0 : now + lease.toMillis();
                insertOutbound(c, id, now, m, owner, leaseUntil);
                StoredOutbound stored = owner == null ? null : new StoredOutbound(id, m.userId(), m.kind(),
                        m.status(), m.route(), m.senderName(), m.senderAddress(), m.to(), m.cc(), m.subject(),
                        m.textBody(), m.htmlBody(), m.attachments(), m.candidateId(), m.applicationId(), m.threadId(),
                        m.replyToken(), m.internetMessageId(), m.inReplyToHeader(), m.referencesHeader(),
                        Instant.ofEpochMilli(now), 0);
                return new EnqueueResult(id, m.route(), false, stored);
            });
        } catch (SQLException e) {
            if (m.idempotencyKey() != null && isUniqueViolation(e)) {
                // Another node stored a message with the same key first: answer with it.
                try (Connection c = dataSource.getConnection()) {
                    Optional<EnqueueResult> earlier = byIdempotencyKey(c, m.userId(), m.idempotencyKey());
                    if (earlier.isPresent()) {
                        return earlier.get();
                    }
                } catch (SQLException again) {
                    throw failure("store the message", again);
                }
            }
            throw failure("store the message", e);
        }
    }

    private static void insertOutbound(Connection c, String id, long now, NewOutbound m, String owner,
            long leaseUntil) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_message (id, direction, kind, "
                + "user_id, sender_name, sender_address, to_addresses, cc_addresses, subject, text_body, html_body, "
                + "candidate_id, application_id, thread_id, idempotency_key, reply_token, internet_message_id, "
                + "in_reply_to_header, references_header, created_at, primary_recipient) "
                + "VALUES (?, 'OUTBOUND', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 1;
            ps.setString(i++, id);
            ps.setString(i++, m.kind().name());
            ps.setString(i++, m.userId());
            ps.setString(i++, m.senderName());
            ps.setString(i++, m.senderAddress());
            ps.setString(i++, join(m.to()));
            ps.setString(i++, join(m.cc()));
            ps.setString(i++, m.subject());
            setText(ps, i++, m.textBody());
            setText(ps, i++, m.htmlBody());
            ps.setString(i++, m.candidateId());
            ps.setString(i++, m.applicationId());
            ps.setString(i++, m.threadId());
            ps.setString(i++, m.idempotencyKey());
            ps.setString(i++, m.replyToken());
            ps.setString(i++, m.internetMessageId());
            ps.setString(i++, m.inReplyToHeader());
            ps.setString(i++, m.referencesHeader());
            ps.setLong(i++, now);
            ps.setString(i, m.to().isEmpty() ? null : m.to().get(0).trim().toLowerCase(java.util.Locale.ROOT));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_delivery (message_id, status, route, "
                + "route_reason, updated_at, next_attempt_at, lease_owner, lease_until) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, m.status().name());
            ps.setString(3, m.route().name());
            ps.setString(4, cut(m.routeReason(), 500));
            ps.setLong(5, now);
            // Queued: due now, never while held, or when the lease of the worker it was handed to runs out.
            ps.setLong(6, m.status() == MessageStatus.HELD ? HELD : owner != null ? leaseUntil : now);
            ps.setString(7, owner);
            if (owner == null) {
                ps.setNull(8, Types.BIGINT);
            } else {
                ps.setLong(8, leaseUntil);
            }
            ps.executeUpdate();
        }
        insertAttachments(c, id, m.attachments());
        if (m.status() != MessageStatus.QUEUED) {
            event(c, id, now, m.status(), m.routeReason());
        }
    }

    private static Optional<EnqueueResult> byIdempotencyKey(Connection c, String userId, String key)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, route FROM " + MESSAGES + " WHERE user_id = ? AND idempotency_key = ?")) {
            ps.setString(1, userId);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new EnqueueResult(rs.getString(1), Route.valueOf(rs.getString(2)), true, null))
                        : Optional.empty();
            }
        }
    }

    @Override
    public List<StoredOutbound> claimDue(String owner, int max, Duration lease) {
        long now = clock.millis();
        try {
            return writer.apply(c -> {
                List<String> due = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT message_id FROM email_delivery "
                        + "WHERE next_attempt_at BETWEEN 0 AND ? ORDER BY next_attempt_at, message_id "
                        + "OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY")) {
                    ps.setLong(1, now);
                    ps.setInt(2, max);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            due.add(rs.getString(1));
                        }
                    }
                }
                if (due.isEmpty()) {
                    return List.<StoredOutbound>of();
                }
                List<String> leased = new ArrayList<>();
                // A leased entry is due again when its lease runs out: claims never scan past entries being sent.
                try (PreparedStatement ps = c.prepareStatement("UPDATE email_delivery SET lease_owner = ?, "
                        + "lease_until = ?, next_attempt_at = ? WHERE message_id = ? "
                        + "AND next_attempt_at BETWEEN 0 AND ?")) {
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
                return loadOutbound(c, leased);
            });
        } catch (SQLException e) {
            throw failure("claim outbox entries", e);
        }
    }

    @Override
    public Optional<Instant> nextDue() {
        return query("SELECT next_attempt_at FROM email_delivery WHERE next_attempt_at BETWEEN 0 AND ? "
                + "ORDER BY next_attempt_at OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY", ps -> ps.setLong(1, HELD - 1),
                rs -> Instant.ofEpochMilli(rs.getLong(1))).stream().findFirst();
    }

    @Override
    public CompletionStage<Void> markSent(Delivery d) {
        long now = clock.millis();
        return writer.submit(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE email_delivery SET status = 'SENT', route = ?, "
                    + "route_reason = ?, from_header = ?, reply_to_header = ?, attempts = ?, last_server_reply = ?, "
                    + "failure_reason = NULL, sent_copy = ?, updated_at = ?, completed_at = ?, " + DEQUEUED
                    + " WHERE message_id = ?")) {
                ps.setString(1, d.route().name());
                ps.setString(2, cut(d.routeReason(), 500));
                ps.setString(3, cut(d.from(), 1000));
                ps.setString(4, cut(d.replyTo(), 1000));
                ps.setInt(5, d.attempts());
                ps.setString(6, cut(d.serverReply(), 1000));
                ps.setString(7, d.sentCopy().name());
                ps.setLong(8, now);
                ps.setLong(9, now);
                ps.setString(10, d.id());
                ps.executeUpdate();
            }
            if (d.sentCopy() == SentCopy.PENDING) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO email_pending_copy (message_id) VALUES (?)")) {
                    ps.setString(1, d.id());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    @Override
    public void reschedule(String id, MessageStatus status, Instant next, int attempts, String reason,
            String serverReply) {
        long now = clock.millis();
        transaction("reschedule a message", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE email_delivery SET status = ?, attempts = ?, "
                    + "failure_reason = ?, last_server_reply = COALESCE(?, last_server_reply), updated_at = ?, "
                    + "next_attempt_at = ?, lease_owner = NULL, lease_until = NULL WHERE message_id = ?")) {
                ps.setString(1, status.name());
                ps.setInt(2, attempts);
                ps.setString(3, cut(reason, 2000));
                ps.setString(4, cut(serverReply, 1000));
                ps.setLong(5, now);
                ps.setLong(6, next == null ? HELD : next.toEpochMilli());
                ps.setString(7, id);
                ps.executeUpdate();
            }
            event(c, id, now, status, reason);
        });
    }

    @Override
    public void markFailed(String id, int attempts, String reason, String serverReply) {
        long now = clock.millis();
        transaction("record a failure", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE email_delivery SET status = 'FAILED', "
                    + "attempts = ?, failure_reason = ?, last_server_reply = COALESCE(?, last_server_reply), "
                    + "updated_at = ?, completed_at = ?, " + DEQUEUED + " WHERE message_id = ?")) {
                ps.setInt(1, attempts);
                ps.setString(2, cut(reason, 2000));
                ps.setString(3, cut(serverReply, 1000));
                ps.setLong(4, now);
                ps.setLong(5, now);
                ps.setString(6, id);
                ps.executeUpdate();
            }
            event(c, id, now, MessageStatus.FAILED, reason);
        });
    }

    @Override
    public int release(String owner) {
        int[] released = new int[1];
        long now = clock.millis();
        transaction("release leases", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE email_delivery SET lease_owner = NULL, "
                    + "lease_until = NULL, next_attempt_at = ? WHERE next_attempt_at BETWEEN 0 AND ? "
                    + "AND lease_owner = ?")) {
                ps.setLong(1, now);
                ps.setLong(2, HELD);
                ps.setString(3, owner);
                released[0] = ps.executeUpdate();
            }
        });
        return released[0];
    }

    @Override
    public boolean requeue(String id) {
        boolean[] done = new boolean[1];
        long now = clock.millis();
        transaction("requeue a message", c -> {
            // A new round of attempts: the earlier ones stay in the timeline.
            // Only outbound messages are ever FAILED.
            try (PreparedStatement ps = c.prepareStatement("UPDATE email_delivery SET status = 'QUEUED', "
                    + "failure_reason = NULL, completed_at = NULL, updated_at = ?, attempts = 0, next_attempt_at = ? "
                    + "WHERE message_id = ? AND status = 'FAILED'")) {
                ps.setLong(1, now);
                ps.setLong(2, now);
                ps.setString(3, id);
                done[0] = ps.executeUpdate() == 1;
            }
            if (done[0]) {
                event(c, id, now, MessageStatus.QUEUED, "queued again by request");
            }
        });
        return done[0];
    }

    @Override
    public int releaseHeld() {
        int[] count = new int[1];
        long now = clock.millis();
        transaction("release held messages", c -> {
            // Set-based, however many messages were held; held ones are found through the queue's index.
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_message_event (message_id, at, status, "
                    + "detail) SELECT message_id, ?, 'QUEUED', 'email connectivity is on again' FROM email_delivery "
                    + "WHERE next_attempt_at = ? AND status = 'HELD'")) {
                ps.setLong(1, now);
                ps.setLong(2, HELD);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE email_delivery SET status = 'QUEUED', "
                    + "updated_at = ?, next_attempt_at = ? WHERE next_attempt_at = ? AND status = 'HELD'")) {
                ps.setLong(1, now);
                ps.setLong(2, now);
                ps.setLong(3, HELD);
                count[0] = ps.executeUpdate();
            }
        });
        return count[0];
    }

    @Override
    public void recordSentCopy(String id, SentCopy state, String detail) {
        transaction("record the sent copy", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE email_delivery SET sent_copy = ?, sent_copy_detail = ? WHERE message_id = ?")) {
                ps.setString(1, state.name());
                ps.setString(2, cut(detail, 1000));
                ps.setString(3, id);
                ps.executeUpdate();
            }
            if (state != SentCopy.PENDING) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM email_pending_copy WHERE message_id = ?")) {
                    ps.setString(1, id);
                    ps.executeUpdate();
                }
            }
        });
    }

    @Override
    public List<StoredOutbound> pendingSentCopies(int max) {
        try (Connection c = dataSource.getConnection()) {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT message_id FROM email_pending_copy "
                    + "ORDER BY message_id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY")) {
                ps.setInt(1, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return loadOutbound(c, ids);
        } catch (SQLException e) {
            throw failure("read pending sent copies", e);
        }
    }

    @Override
    public Optional<ThreadTip> threadTip(String threadId) {
        return query("SELECT internet_message_id, references_header FROM email_message WHERE thread_id = ? "
                        + "AND internet_message_id IS NOT NULL ORDER BY created_at DESC, id DESC "
                        + "OFFSET 0 ROWS FETCH NEXT 1 ROWS ONLY",
                ps -> ps.setString(1, threadId),
                rs -> new ThreadTip(rs.getString(1), rs.getString(2))).stream().findFirst();
    }

    @Override
    public List<Instant> sentThroughUserSmtpSince(String userId, Instant since) {
        return query("SELECT completed_at FROM " + MESSAGES + " WHERE user_id = ? AND status = 'SENT' "
                        + "AND route = 'USER_SMTP' AND completed_at >= ? ORDER BY completed_at",
                ps -> {
                    ps.setString(1, userId);
                    ps.setLong(2, since.toEpochMilli());
                },
                rs -> Instant.ofEpochMilli(rs.getLong(1)));
    }

    @Override
    public OutboxStats outboxStats() {
        long dayAgo = clock.millis() - Duration.ofDays(1).toMillis();
        long now = clock.millis();
        Map<String, Long> byStatus = new HashMap<>();
        query("SELECT s, COUNT(*) FROM (SELECT CASE WHEN lease_until >= ? THEN 'SENDING' ELSE status END AS s "
                + "FROM email_delivery WHERE next_attempt_at BETWEEN 0 AND ?) queued GROUP BY s", ps -> {
                    ps.setLong(1, now);
                    ps.setLong(2, HELD);
                }, rs -> byStatus.put(rs.getString(1), rs.getLong(2)));
        long failed = query("SELECT COUNT(*) FROM email_delivery WHERE status = 'FAILED' AND completed_at >= ?",
                ps -> ps.setLong(1, dayAgo), rs -> rs.getLong(1)).get(0);
        return new OutboxStats(byStatus.getOrDefault("QUEUED", 0L), byStatus.getOrDefault("RETRYING", 0L),
                byStatus.getOrDefault("HELD", 0L), byStatus.getOrDefault("SENDING", 0L), failed);
    }

    @Override
    public List<MessageRecord> pending(int limit) {
        return records("SELECT " + RECORD_COLUMNS + " FROM " + MESSAGES + " WHERE next_attempt_at BETWEEN 0 AND ? "
                + "ORDER BY created_at, id OFFSET 0 ROWS FETCH NEXT ? ROWS ONLY", ps -> {
                    ps.setLong(1, HELD);
                    ps.setInt(2, limit);
                });
    }

    // ---------------------------------------------------------------- replies

    @Override
    public Optional<Checkpoint> checkpoint(String userId, String folder) {
        return query("SELECT uid_validity, last_uid FROM email_mailbox_checkpoint WHERE user_id = ? AND folder = ?",
                ps -> {
                    ps.setString(1, userId);
                    ps.setString(2, folder);
                }, rs -> new Checkpoint(userId, folder, rs.getLong(1), rs.getLong(2))).stream().findFirst();
    }

    private static final String OUTBOUND_REF = "SELECT id, user_id, internet_message_id, thread_id, candidate_id, "
            + "application_id, created_at, primary_recipient FROM email_message WHERE direction = 'OUTBOUND' "
            + "AND user_id = ? AND ";

    @Override
    public List<OutboundRef> outboundByMessageIds(String userId, Collection<String> messageIds) {
        return refs("internet_message_id", userId, messageIds, null);
    }

    @Override
    public List<OutboundRef> outboundByTokens(String userId, Collection<String> tokens) {
        return refs("reply_token", userId, tokens, null);
    }

    @Override
    public List<OutboundRef> outboundTo(String userId, Collection<String> addresses, Instant since) {
        List<String> lower = addresses.stream().map(a -> a.trim().toLowerCase(java.util.Locale.ROOT)).distinct().toList();
        return refs("primary_recipient", userId, lower, since);
    }

    private List<OutboundRef> refs(String column, String userId, Collection<String> values, Instant since) {
        List<String> list = values.stream().filter(v -> v != null && !v.isBlank()).distinct().toList();
        if (list.isEmpty()) {
            return List.of();
        }
        List<OutboundRef> out = new ArrayList<>();
        for (int from = 0; from < list.size(); from += 500) {
            List<String> chunk = list.subList(from, Math.min(list.size(), from + 500));
            out.addAll(query(OUTBOUND_REF + column + " IN (" + placeholders(chunk.size()) + ")"
                    + (since == null ? "" : " AND created_at >= ?") + " ORDER BY created_at DESC", ps -> {
                        ps.setString(1, userId);
                        for (int i = 0; i < chunk.size(); i++) {
                            ps.setString(i + 2, chunk.get(i));
                        }
                        if (since != null) {
                            ps.setLong(chunk.size() + 2, since.toEpochMilli());
                        }
                    }, rs -> new OutboundRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), Instant.ofEpochMilli(rs.getLong(7)), rs.getString(8))));
        }
        return out;
    }

    @Override
    public List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint) {
        long now = clock.millis();
        try {
            return writer.apply(c -> {
                List<Recorded> recorded = new ArrayList<>();
                for (InboundMessage m : messages) {
                    if (seen(c, m.userId(), m.dedupeKey())) {
                        continue;
                    }
                    String id = MessageIds.next(now);
                    insertInbound(c, id, now, m);
                    recorded.add(new Recorded(id, m));
                }
                if (checkpoint != null) {
                    saveCheckpoint(c, checkpoint, now);
                }
                return recorded;
            });
        } catch (SQLException e) {
            throw failure("record collected replies", e);
        }
    }

    private static boolean seen(Connection c, String userId, String dedupeKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM email_message WHERE user_id = ? AND idempotency_key = ?")) {
            ps.setString(1, userId);
            ps.setString(2, dedupeKey);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void insertInbound(Connection c, String id, long now, InboundMessage m) throws SQLException {
        OutboundRef a = m.answers();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_message (id, direction, user_id, "
                + "to_addresses, subject, text_body, html_body, reply_text, candidate_id, application_id, thread_id, "
                + "idempotency_key, internet_message_id, in_reply_to_id, created_at) "
                + "VALUES (?, 'INBOUND', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int i = 1;
            ps.setString(i++, id);
            ps.setString(i++, m.userId());
            ps.setString(i++, cut(join(m.to()) == null ? "" : join(m.to()), 4000));
            ps.setString(i++, cut(m.subject(), 2000));
            setText(ps, i++, cut(m.textBody(), Schema.MAX_TEXT));
            setText(ps, i++, cut(m.htmlBody(), Schema.MAX_TEXT));
            setText(ps, i++, cut(m.replyText(), Schema.MAX_TEXT));
            ps.setString(i++, a == null ? null : a.candidateId());
            ps.setString(i++, a == null ? null : a.applicationId());
            ps.setString(i++, a == null ? null : a.threadId());
            ps.setString(i++, m.dedupeKey());
            ps.setString(i++, cut(m.internetMessageId(), 998));
            ps.setString(i++, a == null ? null : a.id());
            ps.setLong(i, now);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_delivery (message_id, status, from_header, "
                + "updated_at, completed_at, failure_reason) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, m.status().name());
            ps.setString(3, cut(m.from(), 1000));
            ps.setLong(4, now);
            ps.setLong(5, m.receivedAt() == null ? now : m.receivedAt().toEpochMilli());
            ps.setString(6, cut(m.note(), 2000));
            ps.executeUpdate();
        }
        insertAttachments(c, id, m.attachments());
        if (m.note() != null) {
            event(c, id, now, m.status(), m.note());
        }
    }

    /** Attachments in order; one whose content was not kept (too large) is recorded by name and type. */
    private static void insertAttachments(Connection c, String id, List<Attachment> attachments) throws SQLException {
        if (attachments.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_attachment (message_id, position, "
                + "file_name, content_type, size_bytes, content) VALUES (?, ?, ?, ?, ?, ?)")) {
            int pos = 0;
            for (Attachment a : attachments) {
                ps.setString(1, id);
                ps.setInt(2, pos++);
                ps.setString(3, cut(a.fileName(), 500));
                ps.setString(4, cut(a.contentType(), 200));
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

    private static void saveCheckpoint(Connection c, Checkpoint cp, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE email_mailbox_checkpoint SET uid_validity = ?, "
                + "last_uid = ?, updated_at = ? WHERE user_id = ? AND folder = ?")) {
            ps.setLong(1, cp.uidValidity());
            ps.setLong(2, cp.lastUid());
            ps.setLong(3, now);
            ps.setString(4, cp.userId());
            ps.setString(5, cp.folder());
            if (ps.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO email_mailbox_checkpoint (user_id, folder, "
                + "uid_validity, last_uid, updated_at) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, cp.userId());
            ps.setString(2, cp.folder());
            ps.setLong(3, cp.uidValidity());
            ps.setLong(4, cp.lastUid());
            ps.setLong(5, now);
            ps.executeUpdate();
        }
    }

    // ---------------------------------------------------------------- history

    @Override
    public Optional<MessageRecord> find(String id) {
        Optional<MessageRecord> found = records("SELECT " + RECORD_COLUMNS + " FROM " + MESSAGES + " WHERE id = ?",
                ps -> ps.setString(1, id)).stream().findFirst();
        if (found.isPresent() && found.get().status().pending()) {
            // A worker holding the entry's lease is sending it right now.
            long now = clock.millis();
            boolean leased = !query("SELECT 1 FROM email_delivery WHERE message_id = ? AND lease_until >= ?", ps -> {
                ps.setString(1, id);
                ps.setLong(2, now);
            }, rs -> Boolean.TRUE).isEmpty();
            if (leased) {
                return Optional.of(withStatus(found.get(), MessageStatus.SENDING));
            }
        }
        return found;
    }

    private static MessageRecord withStatus(MessageRecord r, MessageStatus status) {
        return new MessageRecord(r.id(), r.direction(), r.kind(), r.userId(), status, r.route(), r.routeReason(),
                r.from(), r.replyTo(), r.to(), r.subject(), r.textBody(), r.htmlBody(), r.replyText(), r.attachments(),
                r.candidateId(), r.applicationId(), r.threadId(), r.internetMessageId(), r.inReplyTo(), r.createdAt(),
                r.updatedAt(), r.completedAt(), r.attempts(), r.lastServerReply(), r.failureReason(), r.sentCopy());
    }

    @Override
    public Page<MessageRecord> forCandidate(String candidateId, PageRequest page) {
        return page("candidate_id = ?", candidateId, page);
    }

    @Override
    public Page<MessageRecord> forThread(String threadId, PageRequest page) {
        return page("thread_id = ?", threadId, page);
    }

    @Override
    public Page<MessageRecord> forUser(String userId, PageRequest page) {
        return page("user_id = ?", userId, page);
    }

    @Override
    public Page<MessageRecord> triage(PageRequest page) {
        return page("status = ?", MessageStatus.TRIAGE.name(), page);
    }

    @Override
    public List<MessageEvent> events(String messageId) {
        Optional<MessageRecord> rec = find(messageId);
        if (rec.isEmpty()) {
            return List.of();
        }
        MessageRecord r = rec.get();
        List<MessageEvent> timeline = new ArrayList<>();
        if (r.direction() == Direction.OUTBOUND) {
            timeline.add(new MessageEvent(r.createdAt(), MessageStatus.QUEUED, "queued"));
        }
        timeline.addAll(query("SELECT at, status, detail FROM email_message_event WHERE message_id = ? ORDER BY at, id",
                ps -> ps.setString(1, messageId),
                rs -> new MessageEvent(Instant.ofEpochMilli(rs.getLong(1)), MessageStatus.valueOf(rs.getString(2)),
                        rs.getString(3))));
        if (r.status() == MessageStatus.SENT || r.status() == MessageStatus.RECEIVED) {
            timeline.add(new MessageEvent(r.completedAt() != null ? r.completedAt() : r.createdAt(), r.status(),
                    r.status() == MessageStatus.SENT ? "sent via " + r.route() + ": " + r.lastServerReply()
                            : "received"));
        }
        return timeline;
    }

    private Page<MessageRecord> page(String where, String value, PageRequest page) {
        long total = query("SELECT COUNT(*) FROM " + MESSAGES + " WHERE " + where, ps -> ps.setString(1, value),
                rs -> rs.getLong(1)).get(0);
        List<MessageRecord> items = records("SELECT " + RECORD_COLUMNS + " FROM " + MESSAGES + " WHERE " + where
                + " ORDER BY created_at DESC, id DESC OFFSET ? ROWS FETCH NEXT ? ROWS ONLY", ps -> {
                    ps.setString(1, value);
                    ps.setInt(2, page.offset());
                    ps.setInt(3, page.limit());
                });
        return new Page<>(items, page, total);
    }

    // ---------------------------------------------------------------- mapping

    private List<MessageRecord> records(String sql, Binder binder) {
        try (Connection c = dataSource.getConnection()) {
            List<MessageRecord> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                binder.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(record(rs));
                    }
                }
            }
            if (out.isEmpty()) {
                return out;
            }
            Map<String, List<AttachmentInfo>> attachments = attachmentInfo(c,
                    out.stream().map(MessageRecord::id).toList());
            return out.stream().map(r -> attachments.containsKey(r.id()) ? withAttachments(r, attachments.get(r.id())) : r)
                    .toList();
        } catch (SQLException e) {
            throw failure("read the message history", e);
        }
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
                split(rs.getString("to_addresses")),
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
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "completed_at"),
                rs.getInt("attempts"),
                rs.getString("last_server_reply"),
                rs.getString("failure_reason"),
                SentCopy.valueOf(rs.getString("sent_copy")));
    }

    private static MessageRecord withAttachments(MessageRecord r, List<AttachmentInfo> a) {
        return new MessageRecord(r.id(), r.direction(), r.kind(), r.userId(), r.status(), r.route(), r.routeReason(),
                r.from(), r.replyTo(), r.to(), r.subject(), r.textBody(), r.htmlBody(), r.replyText(), a,
                r.candidateId(), r.applicationId(), r.threadId(), r.internetMessageId(), r.inReplyTo(), r.createdAt(),
                r.updatedAt(), r.completedAt(), r.attempts(), r.lastServerReply(), r.failureReason(), r.sentCopy());
    }

    private static Map<String, List<AttachmentInfo>> attachmentInfo(Connection c, List<String> ids)
            throws SQLException {
        Map<String, List<AttachmentInfo>> out = new HashMap<>();
        forIds(c, "SELECT message_id, file_name, content_type, size_bytes FROM email_attachment "
                + "WHERE message_id IN (%s) ORDER BY message_id, position", ids,
                rs -> out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new AttachmentInfo(rs.getString(2), rs.getString(3), rs.getLong(4))));
        return out;
    }

    private static List<StoredOutbound> loadOutbound(Connection c, List<String> ids) throws SQLException {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<String, List<Attachment>> attachments = new HashMap<>();
        forIds(c, "SELECT message_id, file_name, content_type, content FROM email_attachment "
                + "WHERE message_id IN (%s) ORDER BY message_id, position", ids,
                rs -> attachments.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(new Attachment(rs.getString(2), rs.getString(3), rs.getBytes(4))));
        Map<String, StoredOutbound> byId = new LinkedHashMap<>();
        forIds(c, "SELECT " + OUTBOUND_COLUMNS + " FROM " + MESSAGES + " WHERE id IN (%s)", ids, rs -> {
                    String id = rs.getString("id");
                    byId.put(id, new StoredOutbound(
                            id,
                            rs.getString("user_id"),
                            MessageKind.valueOf(rs.getString("kind")),
                            MessageStatus.valueOf(rs.getString("status")),
                            Route.valueOf(rs.getString("route")),
                            rs.getString("sender_name"),
                            rs.getString("sender_address"),
                            split(rs.getString("to_addresses")),
                            split(rs.getString("cc_addresses")),
                            rs.getString("subject"),
                            rs.getString("text_body"),
                            rs.getString("html_body"),
                            attachments.getOrDefault(id, List.of()),
                            rs.getString("candidate_id"),
                            rs.getString("application_id"),
                            rs.getString("thread_id"),
                            rs.getString("reply_token"),
                            rs.getString("internet_message_id"),
                            rs.getString("in_reply_to_header"),
                            rs.getString("references_header"),
                            instant(rs, "created_at"),
                            rs.getInt("attempts")));
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

    // ---------------------------------------------------------------- plumbing

    private static void event(Connection c, String id, long at, MessageStatus status, String detail)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO email_message_event (message_id, at, status, detail) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setLong(2, at);
            ps.setString(3, status.name());
            ps.setString(4, cut(detail, 2000));
            ps.executeUpdate();
        }
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface Work {
        void run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql} on {@code c} with {@code ids} in place of its one {@code IN (%s)}, handing on each row. */
    private static void forIds(Connection c, String sql, List<String> ids, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.replace("%s", placeholders(ids.size())))) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    private <T> List<T> query(String sql, Binder binder, Mapper<T> mapper) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    T t = mapper.map(rs);
                    if (t != null) {
                        out.add(t);
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("query the message database", e);
        }
    }

    private void transaction(String what, Work work) {
        try {
            writer.apply(c -> {
                work.run(c);
                return null;
            });
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static void setText(PreparedStatement ps, int i, String value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, value);
        }
    }

    static String join(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(LIST_SEPARATOR, values);
    }

    static List<String> split(String value) {
        return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split(LIST_SEPARATOR));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("23505".equals(x.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState());
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
    }

}
