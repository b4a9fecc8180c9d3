package io.talentats.email.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Which node watches which mailbox, when several Karaf nodes share the database: a lease per mailbox with an owner,
 * an end and a fencing token that grows on every change of owner (the db-scheduler / Quartz-clustered way: rows,
 * owners, heartbeats; no advisory locks, which belong to one pooled connection and which operators cannot see).
 * A node watches a mailbox only while it holds the lease, renews it at a fraction of its length, and stops as soon
 * as a renewal fails. Replies and checkpoints are written under the lease ({@link ReplyStore#record(List,
 * Checkpoint, Lease)}): a write under a lease that is no longer the mailbox's current one is refused.
 */
@ProviderType
public interface WatchLeases {

    /**
     * @param mailboxId the user id of the watched mailbox
     * @param owner the node holding it, {@code null} when released
     * @param fencing grows on every change of owner
     * @param until when it runs out unless renewed
     */
    record Lease(String mailboxId, String owner, long fencing, Instant until, Instant acquiredAt, Instant renewedAt) {

        /** Whether the lease is held and not run out at {@code now}. */
        public boolean live(Instant now) {
            return owner != null && until.isAfter(now);
        }
    }

    /** A node that said it is alive. */
    record Node(String nodeId, Instant startedAt, Instant seenAt, Instant aliveUntil) {}

    /**
     * Takes the mailbox's lease for {@code owner} when it is free or has run out; the fencing token grows.
     *
     * @return the lease, or empty when another node holds it
     */
    Optional<Lease> acquire(String mailboxId, String owner, Duration length);

    /**
     * Extends a lease still held; empty when it ran out, was released or was taken over (then stop watching).
     */
    Optional<Lease> renew(Lease lease, Duration length);

    /**
     * Extends every lease {@code owner} still holds, in one statement.
     *
     * @return the leases {@code owner} holds now; one it held before and is missing here is lost
     */
    List<Lease> renewAll(String owner, Duration length);

    /** Gives the lease up (the mailbox stopped being watched here): another node may take it at once. */
    void release(Lease lease);

    /** Every lease row, by mailbox. */
    List<Lease> leases();

    /**
     * Says {@code nodeId} is alive for {@code ttl} more.
     *
     * @return the nodes alive now, this one included, by id
     */
    List<Node> heartbeat(String nodeId, Duration ttl);

    /**
     * Says {@code nodeId} has started (again) now: as {@link #heartbeat}, and its start time is now, so that a node
     * killed and started again shows as a new start rather than as the process that died.
     */
    List<Node> started(String nodeId, Duration ttl);

    /** The node stops: it is no longer counted among the nodes alive. */
    void leave(String nodeId);

    /** Every node seen in the last day, alive or not, by id. */
    List<Node> nodes();
}
