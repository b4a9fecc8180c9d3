package io.talentats.email.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import io.talentats.email.api.MessageContent;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.InboundMessage;
import io.talentats.email.store.LeaseLostException;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.OAuthGrants.Flow;
import io.talentats.email.store.OAuthGrants.Grant;
import io.talentats.email.store.OutboundMail;
import io.talentats.email.store.StoredOutbound;
import io.talentats.email.store.WatchLeases.Lease;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one database, as two stores with their own writers on one data source (H2, or the PostgreSQL that
 * {@code store.test.postgres} names): outbox claims never doubled, watch leases exclusive with growing fencing
 * tokens, and writes under a lost lease refused whole.
 */
class ClusterTest {

    private static final Duration LEASE = Duration.ofSeconds(60);

    private final AtomicLong now = new AtomicLong(Instant.parse("2026-12-02T10:00:00Z").toEpochMilli());
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(now.get()); }
    };
    private StoreFixture a;
    private StoreFixture b;

    @BeforeEach
    void twoNodes() throws Exception {
        DataSource shared = StoreTest.emptyDatabase();
        a = StoreFixture.open(shared, clock);
        b = StoreFixture.open(shared, clock);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private static NewOutbound message(int i) {
        String token = "tok" + UUID.randomUUID().toString().substring(0, 8);
        return new NewOutbound(new OutboundMail("u" + (i % 7), MessageKind.STAGE_CHANGE, "Jane", "jane@corp.test",
                new MessageContent(List.of("cand" + i + "@cand.test"), List.of(), "Hello " + i, "Hi", null, List.of(),
                        null, null, null), null, token, "<" + token + "@corp.test>", null, null), Route.USER_SMTP,
                "connected", MessageStatus.QUEUED);
    }

    @Test
    void aThousandDueMessagesClaimedByTwoNodesAtOnceAreEachClaimedOnce() throws Exception {
        for (int i = 0; i < 1000; i++) {
            (i % 2 == 0 ? a : b).enqueue(message(i));
        }
        List<String> claimed = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            StoreFixture node = w % 2 == 0 ? a : b;
            String owner = w % 2 == 0 ? "node-a" : "node-b";
            workers.add(pool.submit(() -> {
                for (List<StoredOutbound> got; !(got = node.claimDue(owner, 25, LEASE)).isEmpty(); ) {
                    got.forEach(m -> claimed.add(m.id()));
                }
                return null;
            }));
        }
        for (Future<?> f : workers) {
            f.get();
        }
        pool.shutdown();
        Set<String> distinct = new HashSet<>(claimed);
        assertThat(claimed).as("claimed exactly once each").hasSize(1000);
        assertThat(distinct).hasSize(1000);
        assertThat(a.claimDue("node-a", 25, LEASE)).as("nothing due until the leases run out").isEmpty();
        // A node that died mid-send: its messages are due again after the lease, for the other node
        now.addAndGet(LEASE.toMillis() + 1);
        assertThat(b.claimDue("node-b", 2000, LEASE)).hasSize(1000);
    }

    @Test
    void aMailboxIsLeasedToOneNodeAtATimeAndTakenOverWhenTheLeaseRunsOut() {
        Lease first = a.acquire("rita", "node-a", LEASE).orElseThrow();
        assertThat(first.fencing()).isEqualTo(1);
        assertThat(b.acquire("rita", "node-b", LEASE)).as("held by node-a").isEmpty();
        now.addAndGet(LEASE.toMillis() / 3);
        Lease renewed = a.renew(first, LEASE).orElseThrow();
        assertThat(renewed.until()).isAfter(first.until());

        // node-a stalls past its lease: node-b takes over with a bigger token, node-a's renewal fails
        now.addAndGet(LEASE.toMillis() + 1);
        Lease taken = b.acquire("rita", "node-b", LEASE).orElseThrow();
        assertThat(taken.fencing()).isEqualTo(2);
        assertThat(a.renew(renewed, LEASE)).isEmpty();
        assertThat(a.leases()).singleElement().satisfies(l -> {
            assertThat(l.owner()).isEqualTo("node-b");
            assertThat(l.fencing()).isEqualTo(2);
        });

        // Released, it can be taken at once
        b.release(taken);
        assertThat(a.acquire("rita", "node-a", LEASE).orElseThrow().fencing()).isEqualTo(3);
    }

    @Test
    void aStalledFormerOwnerCannotRecordRepliesOrMoveTheCheckpoint() {
        Lease old = a.acquire("sam", "node-a", LEASE).orElseThrow();
        a.record(List.of(reply("sam", "r1")), new Checkpoint("sam", "INBOX", 7, 10), old);
        now.addAndGet(LEASE.toMillis() + 1);
        Lease current = b.acquire("sam", "node-b", LEASE).orElseThrow();
        b.record(List.of(reply("sam", "r2")), new Checkpoint("sam", "INBOX", 7, 12), current);

        // node-a wakes up with a batch read before the takeover: refused whole
        assertThatThrownBy(() -> a.record(List.of(reply("sam", "r3")), new Checkpoint("sam", "INBOX", 7, 11), old))
                .isInstanceOf(LeaseLostException.class).hasMessageContaining("no longer watched by node-a");
        assertThat(a.checkpoint("sam", "INBOX").orElseThrow().lastUid()).isEqualTo(12);
        assertThat(a.forUser("sam", io.talentats.email.api.PageRequest.first(10)).items())
                .extracting(io.talentats.email.api.MessageRecord::subject).containsOnly("Re: r1", "Re: r2");
    }

    @Test
    void accountsSharedByTwoNodesAtOnceAreAllSeenByAReaderPollingAboveTheHighestVersionSeen() throws Exception {
        // Every change is for a user of its own: a change the reader skipped would never be seen again.
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            StoreFixture node = w % 2 == 0 ? a : b;
            int writer = w;
            writers.add(pool.submit(() -> {
                for (int i = 0; i < 50; i++) {
                    node.publish("w" + writer + "-" + i, java.util.Map.of("user.id", "w" + writer + "-" + i,
                            "imap.port", 993, "enabled", true));
                }
                return null;
            }));
        }
        Set<String> seen = new HashSet<>();
        long last = 0;
        while (!writers.stream().allMatch(Future::isDone) || !b.since(last).isEmpty()) {
            for (io.talentats.email.runtime.SharedAccounts.Change c : b.since(last)) {
                assertThat(c.version()).as("oldest first, each once").isGreaterThan(last);
                last = c.version();
                seen.add(c.userId());
            }
        }
        for (Future<?> f : writers) {
            f.get();
        }
        pool.shutdown();
        assertThat(seen).hasSize(200);
        assertThat(last).isEqualTo(200);
    }

    @Test
    void aSharedAccountReadsBackAsStoredAndItsDisconnectionIsKept() {
        java.util.Map<String, Object> settings = java.util.Map.of("user.id", "jane", "password", "{aesgcm:k1}AAAA",
                "imap.port", 993, "enabled", false, "saved.at", 17L,
                "display.name", "Jane\tDoe\nline\\ \t end\\");
        long first = a.publish("jane", settings);
        assertThat(b.since(0)).singleElement().satisfies(c -> {
            assertThat(c.userId()).isEqualTo("jane");
            assertThat(c.version()).isEqualTo(first);
            assertThat(c.settings()).isEqualTo(settings);
        });
        long removed = b.publish("jane", null);
        assertThat(removed).isGreaterThan(first);
        assertThat(a.since(first)).singleElement().satisfies(c -> assertThat(c.removed()).isTrue());
        assertThat(a.since(removed)).isEmpty();
        assertThatThrownBy(() -> a.publish("x", java.util.Map.of("when", Instant.EPOCH)))
                .hasMessageContaining("only String, Integer, Long and Boolean");
    }

    @Test
    void nodesSayTheyAreAliveAndLeave() {
        assertThat(a.heartbeat("node-a", LEASE)).extracting(n -> n.nodeId()).containsExactly("node-a");
        assertThat(b.heartbeat("node-b", LEASE)).extracting(n -> n.nodeId()).containsExactly("node-a", "node-b");
        b.leave("node-b");
        assertThat(a.heartbeat("node-a", LEASE)).extracting(n -> n.nodeId()).containsExactly("node-a");
        now.addAndGet(LEASE.toMillis() + 1);
        assertThat(b.heartbeat("node-b", LEASE)).as("node-a went silent")
                .extracting(n -> n.nodeId()).containsExactly("node-b");
        // node-a is killed and starts again: a new start, not the process that died
        Instant firstStart = a.nodes().stream().filter(n -> n.nodeId().equals("node-a")).findFirst().orElseThrow()
                .startedAt();
        now.addAndGet(5_000);
        assertThat(a.started("node-a", LEASE)).extracting(n -> n.nodeId()).containsExactly("node-a", "node-b");
        assertThat(b.nodes()).filteredOn(n -> n.nodeId().equals("node-a")).singleElement()
                .satisfies(n -> assertThat(n.startedAt()).isAfter(firstStart).isEqualTo(Instant.ofEpochMilli(now.get())));
        now.addAndGet(1_000);
        a.heartbeat("node-a", LEASE);
        assertThat(b.nodes()).filteredOn(n -> n.nodeId().equals("node-a")).singleElement()
                .satisfies(n -> assertThat(n.startedAt()).as("kept by heartbeats").isBefore(Instant.ofEpochMilli(now.get())));
    }

    @Test
    void aSignInStartedOnOneNodeIsCompletedOnceOnWhicheverNodeTheCallbackReaches() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 50; i++) {
                String state = "state-" + i;
                a.putFlow(new Flow(state, "rita", "microsoft", null, "{aesgcm:k1}verifier", "nonce-" + i, "rita",
                        Instant.ofEpochMilli(now.get()).plusSeconds(600)));
                // The provider's redirect (or a replay of it) reaching both nodes at once: one of them gets the flow
                Future<Boolean> onA = pool.submit(() -> a.takeFlow(state).isPresent());
                Future<Boolean> onB = pool.submit(() -> b.takeFlow(state).isPresent());
                assertThat(List.of(onA.get(), onB.get())).as("flow %d", i).containsOnlyOnce(true);
            }
        } finally {
            pool.shutdownNow();
        }
        a.putFlow(new Flow("later", "rita", "microsoft", null, "{aesgcm:k1}v", "n", "rita",
                Instant.ofEpochMilli(now.get()).plusSeconds(600)));
        assertThat(b.takeFlow("later")).get().satisfies(f -> assertThat(f.nonce()).isEqualTo("n"));
    }

    @Test
    void aRefreshOnOneNodeWaitsForTheOthersAndBuildsOnWhatItStored() throws Exception {
        Grant first = a.putGrant(new Grant("rita", "microsoft", "{aesgcm:k1}rt-0", "{aesgcm:k1}at-0",
                Instant.ofEpochMilli(now.get()).plusSeconds(3600), null, 0));
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<java.util.Optional<Grant>> onA = pool.submit(() -> a.refresh("rita", current -> {
                holding.countDown();
                assertThat(release.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                return new Grant("rita", "microsoft", "{aesgcm:k1}rt-1", "{aesgcm:k1}at-1", current.accessExpiresAt(),
                        null, current.version());
            }));
            assertThat(holding.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            List<String> seenByB = Collections.synchronizedList(new ArrayList<>());
            Future<java.util.Optional<Grant>> onB = pool.submit(() -> b.refresh("rita", current -> {
                seenByB.add(current.refreshToken());
                return current; // A refreshed it a moment ago: nothing to do
            }));
            // B cannot get past A's row lock while A's refresh runs
            assertThatThrownBy(() -> onB.get(500, java.util.concurrent.TimeUnit.MILLISECONDS))
                    .isInstanceOf(java.util.concurrent.TimeoutException.class);
            assertThat(seenByB).isEmpty();
            release.countDown();
            Grant afterA = onA.get(30, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
            assertThat(afterA.version()).isGreaterThan(first.version());
            assertThat(onB.get(30, java.util.concurrent.TimeUnit.SECONDS)).contains(afterA);
            assertThat(seenByB).as("B decided on what A stored, not on the grant it read before")
                    .containsExactly("{aesgcm:k1}rt-1");
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    private static InboundMessage reply(String user, String key) {
        return new InboundMessage(user, MessageStatus.TRIAGE, key, null, "cand@cand.test", List.of("jane@corp.test"),
                "Re: " + key, "text", null, "text", List.of(), "<" + key + "@cand.test>", Instant.now(), "why", null);
    }
}
