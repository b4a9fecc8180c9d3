package io.talentats.email.store.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.talentats.email.store.LeaseLostException;
import io.talentats.email.store.WatchLeases.Lease;
import io.talentats.email.store.WatchLeases.Node;

/**
 * Watch leases and live nodes in {@code email_watch_lease} and {@code email_node}. Every operation is its own short
 * transaction on its own connection ({@link Jdbc#isolated}), not the group-commit writer: a lease decision must be
 * committed before it is acted on, and a row lock taken here must never wait behind other nodes' work in a group.
 */
final class WatchLeaseTable {

    private final Jdbc jdbc;
    private final Clock clock;

    WatchLeaseTable(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** Another node took the row in the same instant. */
    private static final class Contended extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Contended() {
            super(null, null, false, false);
        }
    }

    Optional<Lease> acquire(String mailboxId, String owner, Duration length) {
        try {
            return take(mailboxId, owner, length);
        } catch (Contended e) {
            return Optional.empty();
        }
    }

    private Optional<Lease> take(String mailboxId, String owner, Duration length) {
        long now = clock.millis();
        long until = now + length.toMillis();
        return jdbc.isolated("take a watch lease", c -> {
            List<Lease> rows = Jdbc.query(c, "SELECT * FROM email_watch_lease WHERE mailbox_id = ? FOR UPDATE",
                    ps -> ps.setString(1, mailboxId), WatchLeaseTable::lease);
            if (rows.isEmpty()) {
                try {
                    Jdbc.update(c, "INSERT INTO email_watch_lease (mailbox_id, owner, lease_until, fencing, "
                            + "acquired_at, renewed_at) VALUES (?, ?, ?, 1, ?, ?)", ps -> {
                                ps.setString(1, mailboxId);
                                ps.setString(2, owner);
                                ps.setLong(3, until);
                                ps.setLong(4, now);
                                ps.setLong(5, now);
                            });
                } catch (SQLException e) {
                    if (Jdbc.isUniqueViolation(e)) {
                        // Another node inserted it first. Out of the transaction, which PostgreSQL has aborted.
                        throw new Contended();
                    }
                    throw e;
                }
                return Optional.of(new Lease(mailboxId, owner, 1, Instant.ofEpochMilli(until),
                        Instant.ofEpochMilli(now), Instant.ofEpochMilli(now)));
            }
            Lease current = rows.get(0);
            if (current.live(Instant.ofEpochMilli(now)) && !owner.equals(current.owner())) {
                return Optional.<Lease>empty();
            }
            long fencing = current.fencing() + 1;
            Jdbc.update(c, "UPDATE email_watch_lease SET owner = ?, lease_until = ?, fencing = ?, acquired_at = ?, "
                    + "renewed_at = ? WHERE mailbox_id = ?", ps -> {
                        ps.setString(1, owner);
                        ps.setLong(2, until);
                        ps.setLong(3, fencing);
                        ps.setLong(4, now);
                        ps.setLong(5, now);
                        ps.setString(6, mailboxId);
                    });
            return Optional.of(new Lease(mailboxId, owner, fencing, Instant.ofEpochMilli(until),
                    Instant.ofEpochMilli(now), Instant.ofEpochMilli(now)));
        });
    }

    Optional<Lease> renew(Lease lease, Duration length) {
        long now = clock.millis();
        long until = now + length.toMillis();
        return jdbc.isolated("renew a watch lease", c -> {
            int n = Jdbc.update(c, "UPDATE email_watch_lease SET lease_until = ?, renewed_at = ? WHERE mailbox_id = ? "
                    + "AND owner = ? AND fencing = ? AND lease_until > ?", ps -> {
                        ps.setLong(1, until);
                        ps.setLong(2, now);
                        ps.setString(3, lease.mailboxId());
                        ps.setString(4, lease.owner());
                        ps.setLong(5, lease.fencing());
                        ps.setLong(6, now);
                    });
            return n == 0 ? Optional.<Lease>empty() : Optional.of(new Lease(lease.mailboxId(), lease.owner(),
                    lease.fencing(), Instant.ofEpochMilli(until), lease.acquiredAt(), Instant.ofEpochMilli(now)));
        });
    }

    List<Lease> renewAll(String owner, Duration length) {
        long now = clock.millis();
        return jdbc.isolated("renew this node's watch leases", c -> {
            Jdbc.update(c, "UPDATE email_watch_lease SET lease_until = ?, renewed_at = ? WHERE owner = ? "
                    + "AND lease_until > ?", ps -> {
                        ps.setLong(1, now + length.toMillis());
                        ps.setLong(2, now);
                        ps.setString(3, owner);
                        ps.setLong(4, now);
                    });
            return Jdbc.query(c, "SELECT * FROM email_watch_lease WHERE owner = ? AND renewed_at = ?", ps -> {
                ps.setString(1, owner);
                ps.setLong(2, now);
            }, WatchLeaseTable::lease);
        });
    }

    void release(Lease lease) {
        jdbc.isolated("give up a watch lease", c -> Jdbc.update(c, "UPDATE email_watch_lease SET owner = NULL, "
                + "lease_until = 0 WHERE mailbox_id = ? AND owner = ? AND fencing = ?", ps -> {
                    ps.setString(1, lease.mailboxId());
                    ps.setString(2, lease.owner());
                    ps.setLong(3, lease.fencing());
                }));
    }

    List<Lease> leases() {
        return jdbc.query("SELECT * FROM email_watch_lease ORDER BY mailbox_id", ps -> { }, WatchLeaseTable::lease);
    }

    List<Node> heartbeat(String nodeId, Duration ttl) {
        return heartbeat(nodeId, ttl, false);
    }

    List<Node> started(String nodeId, Duration ttl) {
        return heartbeat(nodeId, ttl, true);
    }

    private List<Node> heartbeat(String nodeId, Duration ttl, boolean started) {
        long now = clock.millis();
        return jdbc.isolated("say this node is alive", c -> {
            int n = Jdbc.update(c, "UPDATE email_node SET seen_at = ?, alive_until = ?"
                    + (started ? ", started_at = ?" : "") + " WHERE node_id = ?", ps -> {
                ps.setLong(1, now);
                ps.setLong(2, now + ttl.toMillis());
                if (started) {
                    ps.setLong(3, now);
                }
                ps.setString(started ? 4 : 3, nodeId);
            });
            if (n == 0) {
                // Only this node writes its row: no other inserts it meanwhile
                Jdbc.update(c, "INSERT INTO email_node (node_id, started_at, seen_at, alive_until) VALUES "
                        + "(?, ?, ?, ?)", ps -> {
                            ps.setString(1, nodeId);
                            ps.setLong(2, now);
                            ps.setLong(3, now);
                            ps.setLong(4, now + ttl.toMillis());
                        });
            }
            // Nodes gone for long are forgotten, so the table does not grow with every restart of a container
            Jdbc.update(c, "DELETE FROM email_node WHERE alive_until < ?", ps -> ps.setLong(1, now - 86_400_000L));
            return Jdbc.query(c, "SELECT * FROM email_node WHERE alive_until > ? ORDER BY node_id",
                    ps -> ps.setLong(1, now), WatchLeaseTable::node);
        });
    }

    List<Node> nodes() {
        return jdbc.query("SELECT * FROM email_node ORDER BY node_id", ps -> { }, WatchLeaseTable::node);
    }

    void leave(String nodeId) {
        jdbc.isolated("say this node stopped", c -> Jdbc.update(c, "UPDATE email_node SET alive_until = ? WHERE node_id = ?",
                ps -> {
                    ps.setLong(1, clock.millis());
                    ps.setString(2, nodeId);
                }));
    }

    /**
     * In the transaction that records replies and moves the checkpoint: the lease must still be the mailbox's, and
     * the checkpoint must not have been written under a newer one. Throws to undo the whole write otherwise.
     */
    static void fence(Connection c, Lease lease, String folder) throws SQLException {
        List<Long> current = Jdbc.query(c, "SELECT fencing FROM email_watch_lease WHERE mailbox_id = ? AND owner = ?",
                ps -> {
                    ps.setString(1, lease.mailboxId());
                    ps.setString(2, lease.owner());
                }, rs -> rs.getLong(1));
        if (current.isEmpty() || current.get(0) != lease.fencing()) {
            throw new LeaseLostException("The mailbox of user " + lease.mailboxId() + " is no longer watched by "
                    + lease.owner() + " (lease " + lease.fencing() + "): nothing recorded");
        }
        List<Long> written = Jdbc.query(c, "SELECT fencing FROM email_mailbox_checkpoint WHERE user_id = ? AND "
                + "folder = ?", ps -> {
                    ps.setString(1, lease.mailboxId());
                    ps.setString(2, folder);
                }, rs -> rs.getObject(1) == null ? 0L : rs.getLong(1));
        if (!written.isEmpty() && written.get(0) > lease.fencing()) {
            throw new LeaseLostException("The checkpoint of " + folder + " of user " + lease.mailboxId()
                    + " was written under a newer lease: nothing recorded");
        }
    }

    private static Lease lease(ResultSet rs) throws SQLException {
        return new Lease(rs.getString("mailbox_id"), rs.getString("owner"), rs.getLong("fencing"),
                Instant.ofEpochMilli(rs.getLong("lease_until")), Instant.ofEpochMilli(rs.getLong("acquired_at")),
                Instant.ofEpochMilli(rs.getLong("renewed_at")));
    }

    private static Node node(ResultSet rs) throws SQLException {
        return new Node(rs.getString("node_id"), Instant.ofEpochMilli(rs.getLong("started_at")),
                Instant.ofEpochMilli(rs.getLong("seen_at")), Instant.ofEpochMilli(rs.getLong("alive_until")));
    }
}
