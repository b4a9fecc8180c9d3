package io.talentats.email.replies.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import io.talentats.email.store.WatchLeases;
import io.talentats.email.store.WatchLeases.Lease;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which mailboxes this node watches, when several nodes share the database: holds this node's watch leases,
 * renews them all in one round, notices the ones lost, and spreads the mailboxes over the nodes alive (gives back what
 * is above this node's share, takes free or run-out leases up to it). What watching means is the engine's: the
 * keeper only tells it to start under a lease or to stop.
 */
final class LeaseKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    private final WatchLeases leases;
    private final String node;
    private final Duration length;
    /** The leases this node holds, by mailbox. */
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    /** Whether this start of the node was recorded (its first round says it started, later ones that it lives). */
    private volatile boolean startRecorded;

    LeaseKeeper(WatchLeases leases, String node, Duration length) {
        this.leases = leases;
        this.node = node;
        this.length = length;
    }

    String node() {
        return node;
    }

    Duration length() {
        return length;
    }

    /** The lease this node holds for the mailbox, or {@code null}. */
    Lease held(String mailbox) {
        return held.get(mailbox);
    }

    /** How many mailboxes this node holds. */
    int size() {
        return held.size();
    }

    /** The mailboxes this node holds. */
    Collection<String> mailboxes() {
        return new ArrayList<>(held.keySet());
    }

    /**
     * The mailbox's lease for this node: the one it holds, or a free or run-out one taken now.
     *
     * @return empty when another node holds it, or when the database cannot be asked now (the next round tries again)
     */
    Optional<Lease> take(String mailbox) {
        Lease lease = held.get(mailbox);
        if (lease != null) {
            return Optional.of(lease);
        }
        try {
            lease = leases.acquire(mailbox, node, length).orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("Cannot take the watch lease of user {}'s mailbox now ({}); trying again at the next renewal "
                    + "round", mailbox, e.getMessage());
            return Optional.empty();
        }
        if (lease == null) {
            LOG.debug("The mailbox of user {} is watched by another node", mailbox);
            return Optional.empty();
        }
        held.put(mailbox, lease);
        return Optional.of(lease);
    }

    /** Gives the mailbox's lease up, so that another node may take it at once. */
    void giveBack(String mailbox) {
        Lease lease = held.remove(mailbox);
        if (lease != null) {
            try {
                leases.release(lease);
            } catch (RuntimeException e) {
                LOG.info("Cannot give up the watch lease of user {}'s mailbox ({}); it runs out by itself", mailbox,
                        e.getMessage());
            }
        }
    }

    /**
     * One renewal round: says this node is alive and renews every lease it holds in one statement. It takes no lock
     * the spreading holds, so a large takeover never keeps renewals waiting; what it changes it changes only where
     * nothing else did meanwhile (a lease taken again or given up since the snapshot is left as it is).
     *
     * @param lost told of each lease that could not be renewed (another node may have it: stop watching at once)
     * @return the nodes alive, or {@code null} when the database is away (writes under a lost lease are refused anyway)
     */
    List<WatchLeases.Node> renew(BiConsumer<String, Lease> lost) {
        List<WatchLeases.Node> alive;
        Map<String, Lease> renewed = new HashMap<>();
        Map<String, Lease> before = new HashMap<>(held);
        try {
            alive = startRecorded ? leases.heartbeat(node, length) : leases.started(node, length);
            startRecorded = true;
            // All of this node's leases in one statement: a round costs the same for ten mailboxes or ten thousand
            for (Lease l : leases.renewAll(node, length)) {
                renewed.put(l.mailboxId(), l);
            }
        } catch (RuntimeException e) {
            LOG.warn("Watch leases not renewed: {}", e.getMessage());
            return null;
        }
        for (Map.Entry<String, Lease> e : before.entrySet()) {
            String mailbox = e.getKey();
            Lease had = e.getValue();
            Lease now = renewed.get(mailbox);
            if (now != null && now.fencing() == had.fencing()) {
                held.replace(mailbox, had, now);
            } else if (held.remove(mailbox, had)) {
                LOG.warn("Lost the watch lease of user {}'s mailbox: another node watches it now", mailbox);
                lost.accept(mailbox, had);
            }
        }
        return alive;
    }

    /**
     * Spreads the mailboxes over the nodes alive: gives back the ones above this node's share (the last by id, so
     * every node agrees which), then starts free ones, in the order given, until the share is reached.
     *
     * @param mailboxes every mailbox to watch, in the order to try them
     * @param nodesAlive how many nodes are alive, this one included
     * @param stop stops watching a mailbox this node gives back (and gives its lease back)
     * @param start starts watching a mailbox if its lease can be taken; whether it was
     */
    void spread(List<String> mailboxes, int nodesAlive, java.util.function.Consumer<String> stop,
            Predicate<String> start) {
        int share = share(mailboxes.size(), nodesAlive);
        for (String extra : aboveShare(held.keySet(), share)) {
            LOG.info("Giving the mailbox of user {} to another node ({} nodes alive)", extra, nodesAlive);
            stop.accept(extra);
        }
        for (String mailbox : mailboxes) {
            if (held.size() >= share) {
                break;
            }
            if (!held.containsKey(mailbox)) {
                start.test(mailbox);
            }
        }
    }

    /** The most mailboxes one node watches: all of them shared out, rounded up. */
    static int share(int mailboxes, int nodesAlive) {
        return (int) Math.ceil((double) mailboxes / Math.max(1, nodesAlive));
    }

    /** The held mailboxes above {@code share}: the last by id, so that the choice does not depend on timing. */
    static List<String> aboveShare(Collection<String> heldMailboxes, int share) {
        if (heldMailboxes.size() <= share) {
            return List.of();
        }
        List<String> sorted = new ArrayList<>(heldMailboxes);
        Collections.sort(sorted);
        return new ArrayList<>(sorted.subList(share, sorted.size()));
    }

    /** Says this node stops: it is no longer counted among the nodes alive. */
    void leave() {
        try {
            leases.leave(node);
        } catch (RuntimeException e) {
            LOG.debug("Cannot say node {} stopped: {}", node, e.getMessage());
        }
    }
}
