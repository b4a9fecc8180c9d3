package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.talentats.email.store.WatchLeases;

import org.junit.jupiter.api.Test;

/**
 * The lease keeper on a clock the test moves: nodes that share the mailboxes, a node that joins, one that dies and
 * one that leaves, a lease taken over behind a node's back. The leases are an in-memory {@link WatchLeases} with the
 * store's rules (a free or run-out lease may be taken, the fencing token grows on every change of owner).
 */
class LeaseKeeperTest {

    private static final Duration LENGTH = Duration.ofSeconds(60);
    private final FakeLeases leases = new FakeLeases();
    private final List<String> mailboxes = IntStream.rangeClosed(1, 10).mapToObj(i -> String.format("user-%02d", i))
            .collect(Collectors.toList());

    /** A node as the engine runs it: what it watches, one renewal round and one spreading round at a time. */
    private final class Node {
        final LeaseKeeper keeper;
        final Set<String> watching = new HashSet<>();
        final List<String> lost = new ArrayList<>();

        Node(String name) {
            keeper = new LeaseKeeper(leases, name, LENGTH);
        }

        void round() {
            List<WatchLeases.Node> alive = keeper.renew((m, l) -> {
                lost.add(m);
                watching.remove(m);
            });
            if (alive != null) {
                keeper.spread(mailboxes, alive.size(), m -> {
                    watching.remove(m);
                    keeper.giveBack(m);
                }, m -> keeper.take(m).map(l -> watching.add(m)).orElse(false));
            }
        }
    }

    @Test
    void oneNodeWatchesEverythingAndASecondTakesItsHalfWithinTwoRounds() {
        Node a = new Node("a");
        a.round();
        assertThat(a.watching).hasSize(10);
        Node b = new Node("b");
        b.round(); // b is alive now, but every lease is a's
        assertThat(b.watching).isEmpty();
        a.round(); // a sees two nodes and gives back what is above its share: the last five by id
        assertThat(a.watching).containsExactlyInAnyOrderElementsOf(mailboxes.subList(0, 5));
        b.round();
        assertThat(b.watching).containsExactlyInAnyOrderElementsOf(mailboxes.subList(5, 10));
        a.round();
        b.round();
        assertThat(a.watching).hasSize(5);
        assertThat(b.watching).hasSize(5);
        assertThat(leases.owners()).as("one watcher per mailbox").hasSize(10);
    }

    /** Nodes a and b after the two rounds in which they share the mailboxes out. */
    private Node[] twoNodesSharing() {
        Node a = new Node("a");
        Node b = new Node("b");
        for (int round = 0; round < 2; round++) {
            a.round();
            b.round();
        }
        return new Node[] {a, b};
    }

    @Test
    void aDeadNodesMailboxesAreTakenWhenTheirLeasesRunOutAndNotBefore() {
        Node[] nodes = twoNodesSharing();
        Node b = nodes[1];
        assertThat(b.watching).hasSize(5);
        // a dies: no more rounds. Until its leases run out b keeps its own share
        leases.now = leases.now.plus(LENGTH.minusSeconds(1));
        b.round();
        assertThat(b.watching).hasSize(5);
        leases.now = leases.now.plusSeconds(2);
        b.round();
        assertThat(b.watching).hasSize(10);
        assertThat(leases.owners().values()).containsOnly("b");
    }

    @Test
    void aNodeThatLeavesHandsOverAtOnce() {
        Node[] nodes = twoNodesSharing();
        Node a = nodes[0];
        Node b = nodes[1];
        for (String m : new ArrayList<>(a.watching)) {
            a.keeper.giveBack(m);
        }
        a.keeper.leave();
        b.round();
        assertThat(b.watching).hasSize(10);
    }

    @Test
    void aLeaseTakenOverBehindTheNodesBackIsReportedLostOnce() {
        Node a = new Node("a");
        a.round();
        // The lease of user-03 ran out while a was stalled, and c took it
        leases.steal("user-03", "c");
        a.round();
        assertThat(a.lost).containsExactly("user-03");
        assertThat(a.watching).doesNotContain("user-03").hasSize(9);
        a.round();
        assertThat(a.lost).containsExactly("user-03");
    }

    @Test
    void theDatabaseAwayChangesNothingAndReportsNothing() {
        Node a = new Node("a");
        a.round();
        leases.away = true;
        a.round();
        assertThat(a.watching).hasSize(10);
        assertThat(a.lost).isEmpty();
        assertThat(a.keeper.take("someone-new")).isEmpty();
        leases.away = false;
        a.round();
        assertThat(a.watching).hasSize(10);
    }

    @Test
    void theShareIsRoundedUpAndTheMailboxesGivenBackAreTheLastById() {
        assertThat(LeaseKeeper.share(10, 3)).isEqualTo(4);
        assertThat(LeaseKeeper.share(0, 3)).isZero();
        assertThat(LeaseKeeper.share(7, 0)).isEqualTo(7);
        assertThat(LeaseKeeper.aboveShare(List.of("c", "a", "d", "b"), 2)).containsExactly("c", "d");
        assertThat(LeaseKeeper.aboveShare(List.of("a"), 2)).isEmpty();
    }

    /** Leases and nodes in memory, on {@link #now}. */
    private static final class FakeLeases implements WatchLeases {
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        boolean away;
        private final Map<String, Lease> rows = new LinkedHashMap<>();
        private final Map<String, Node> nodes = new LinkedHashMap<>();
        private long fencing;

        Map<String, String> owners() {
            Map<String, String> out = new LinkedHashMap<>();
            rows.values().stream().filter(l -> l.live(now)).forEach(l -> out.put(l.mailboxId(), l.owner()));
            return out;
        }

        void steal(String mailbox, String owner) {
            rows.put(mailbox, new Lease(mailbox, owner, ++fencing, now.plus(LENGTH), now, now));
        }

        private void check() {
            if (away) {
                throw new IllegalStateException("the message database cannot be reached");
            }
        }

        @Override
        public Optional<Lease> acquire(String mailboxId, String owner, Duration length) {
            check();
            Lease l = rows.get(mailboxId);
            if (l != null && l.live(now) && !l.owner().equals(owner)) {
                return Optional.empty();
            }
            Lease taken = new Lease(mailboxId, owner, ++fencing, now.plus(length), now, now);
            rows.put(mailboxId, taken);
            return Optional.of(taken);
        }

        @Override
        public Optional<Lease> renew(Lease lease, Duration length) {
            check();
            Lease l = rows.get(lease.mailboxId());
            if (l == null || l.fencing() != lease.fencing() || !l.live(now)) {
                return Optional.empty();
            }
            Lease renewed = new Lease(l.mailboxId(), l.owner(), l.fencing(), now.plus(length), l.acquiredAt(), now);
            rows.put(l.mailboxId(), renewed);
            return Optional.of(renewed);
        }

        @Override
        public List<Lease> renewAll(String owner, Duration length) {
            check();
            List<Lease> out = new ArrayList<>();
            for (Lease l : new ArrayList<>(rows.values())) {
                if (owner.equals(l.owner()) && l.live(now)) {
                    out.add(renew(l, length).orElseThrow());
                }
            }
            return out;
        }

        @Override
        public void release(Lease lease) {
            check();
            Lease l = rows.get(lease.mailboxId());
            if (l != null && l.fencing() == lease.fencing()) {
                rows.put(l.mailboxId(), new Lease(l.mailboxId(), null, l.fencing(), now, l.acquiredAt(), now));
            }
        }

        @Override
        public List<Lease> leases() {
            check();
            return new ArrayList<>(rows.values());
        }

        @Override
        public List<Node> heartbeat(String nodeId, Duration ttl) {
            check();
            Node had = nodes.get(nodeId);
            nodes.put(nodeId, new Node(nodeId, had == null ? now : had.startedAt(), now, now.plus(ttl)));
            return nodes.values().stream().filter(n -> n.aliveUntil().isAfter(now)).collect(Collectors.toList());
        }

        @Override
        public List<Node> started(String nodeId, Duration ttl) {
            check();
            nodes.remove(nodeId);
            return heartbeat(nodeId, ttl);
        }

        @Override
        public void leave(String nodeId) {
            check();
            nodes.remove(nodeId);
        }

        @Override
        public List<Node> nodes() {
            check();
            return new ArrayList<>(nodes.values());
        }
    }
}
