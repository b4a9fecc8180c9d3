package io.talentats.email.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageContent;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.Route;
import io.talentats.email.store.Delivery;
import io.talentats.email.store.EnqueueResult;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.OutboundMail;
import io.talentats.email.store.StoredOutbound;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StoreTest {

    private final AtomicLong now = new AtomicLong(Instant.parse("2026-11-26T10:00:00Z").toEpochMilli());
    private StoreFixture store;

    @BeforeEach
    void database() throws Exception {
        DataSource ds = emptyDatabase();
        Schema.migrate(ds);
        store = StoreFixture.open(ds, clockAt(now));
    }

    /**
     * A new, empty database: H2 in memory, or a new schema in the PostgreSQL server that {@code store.test.postgres}
     * names (a JDBC URL) or whose URL is in the file {@code store.test.postgres.file} (the build's own server), so
     * that the same tests check the SQL on both.
     */
    /** The PostgreSQL server the tests run on, or empty for H2. */
    static String postgresUrl() throws java.io.IOException {
        String postgres = System.getProperty("store.test.postgres", "");
        String file = System.getProperty("store.test.postgres.file", "");
        if (postgres.isBlank() && !file.isBlank()) {
            // The build's own throw-away server (postgres.sh): its URL is known only once it runs
            postgres = java.nio.file.Files.readString(java.nio.file.Path.of(file)).trim();
        }
        return postgres;
    }

    static DataSource emptyDatabase() throws Exception {
        String postgres = postgresUrl();
        if (postgres.isBlank()) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            return h2;
        }
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
        pg.setURL(postgres);
        try (java.sql.Connection c = pg.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        // Pooled as in Karaf (pax-jdbc-pool-hikaricp); idle connections retire, so the many test databases of a
        // run never hold more than a few connections each.
        com.zaxxer.hikari.HikariConfig pool = new com.zaxxer.hikari.HikariConfig();
        pool.setJdbcUrl(postgres);
        pool.setSchema(schema);
        pool.setMaximumPoolSize(4);
        pool.setMinimumIdle(0);
        pool.setIdleTimeout(10_000);
        return new com.zaxxer.hikari.HikariDataSource(pool);
    }

    private static Clock clockAt(AtomicLong now) {
        return new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(now.get());
            }
        };
    }

    private NewOutbound message(String user, String key, String thread) {
        MessageContent content = new MessageContent(List.of("cand@example.org"), List.of(), "Hello", "text",
                "<p>html</p>", List.of(new Attachment("cv.txt", "text/plain", "cv".getBytes(StandardCharsets.UTF_8))),
                "cand-1", "app-1", thread);
        return new NewOutbound(new OutboundMail(user, MessageKind.CUSTOM, "Jane Doe", "jane@example.com", content,
                key, "tok" + UUID.randomUUID().toString().substring(0, 8), "<" + UUID.randomUUID() + "@example.com>",
                null, null), Route.USER_SMTP, "recruiter's mailbox connected", MessageStatus.QUEUED);
    }

    /**
     * A database from before the delivery state had its own table: a sent message, a queued one, one leased to a
     * node that crashed and one held. After the upgrade each is where it was: nothing sent twice, nothing lost.
     */
    @Test
    void upgradingADatabaseKeepsItsHistoryAndItsQueue() throws Exception {
        DataSource ds = emptyDatabase();
        Schema.configure(ds).target("2").load().migrate();
        long t = now.get();
        try (java.sql.Connection c = ds.getConnection(); java.sql.Statement st = c.createStatement()) {
            for (String[] m : new String[][] {{"01SENT", "SENT"}, {"02QUEUED", "QUEUED"}, {"03LEASED", "QUEUED"},
                    {"04HELD", "HELD"}}) {
                st.executeUpdate("INSERT INTO email_message (id, direction, kind, user_id, status, route, "
                        + "sender_address, to_addresses, subject, text_body, candidate_id, thread_id, reply_token, "
                        + "internet_message_id, created_at, updated_at, completed_at, attempts, last_server_reply, "
                        + "sent_copy) VALUES ('" + m[0] + "', 'OUTBOUND', 'CUSTOM', 'u1', '" + m[1] + "', 'USER_SMTP', "
                        + "'jane@example.com', 'cand@example.org', 'Subject " + m[0] + "', 'text', 'cand-1', 't1', "
                        + "'tok" + m[0] + "', '<" + m[0] + "@example.com>', " + t + ", " + t + ", "
                        + (m[1].equals("SENT") ? t + ", 1, '250 2.0.0 Ok', 'SKIPPED'" : "NULL, 0, NULL, 'NONE'") + ")");
            }
            st.executeUpdate("INSERT INTO email_outbox (message_id, next_attempt_at, attempts) VALUES ('02QUEUED', "
                    + t + ", 2)");
            st.executeUpdate("INSERT INTO email_outbox (message_id, next_attempt_at, attempts, lease_owner, "
                    + "lease_until) VALUES ('03LEASED', " + (t + 60_000) + ", 0, 'crashed-node', "
                    + (t + 60_000) + ")");
            st.executeUpdate("INSERT INTO email_outbox (message_id, next_attempt_at, attempts) VALUES ('04HELD', "
                    + Long.MAX_VALUE + ", 0)");
        }
        StoreFixture upgraded = StoreFixture.open(ds, clockAt(now));
        try {
            MessageRecord sent = upgraded.find("01SENT").orElseThrow();
            assertThat(sent.status()).isEqualTo(MessageStatus.SENT);
            assertThat(sent.lastServerReply()).isEqualTo("250 2.0.0 Ok");
            assertThat(sent.sentCopy()).isEqualTo(SentCopy.SKIPPED);
            assertThat(upgraded.forCandidate("cand-1", PageRequest.first(10)).items()).hasSize(4);
            assertThat(upgraded.pending(10)).extracting(MessageRecord::id)
                    .containsExactlyInAnyOrder("02QUEUED", "03LEASED", "04HELD");
            // Due now: the queued one, with the attempts it had made. The leased one when its lease runs out.
            assertThat(upgraded.claimDue("node-b", 10, Duration.ofMinutes(5)))
                    .singleElement().satisfies(m -> {
                        assertThat(m.id()).isEqualTo("02QUEUED");
                        assertThat(m.attempts()).isEqualTo(2);
                    });
            now.addAndGet(61_000);
            assertThat(upgraded.claimDue("node-b", 10, Duration.ofMinutes(5))).extracting(StoredOutbound::id)
                    .containsExactly("03LEASED");
            // Held until connectivity is back.
            assertThat(upgraded.outboxStats().held()).isEqualTo(1);
            assertThat(upgraded.releaseHeld()).isEqualTo(1);
            assertThat(upgraded.claimDue("node-b", 10, Duration.ofMinutes(5))).extracting(StoredOutbound::id)
                    .containsExactly("04HELD");
        } finally {
            upgraded.close();
        }
    }

    @Test
    void aQueuedMessageIsInTheHistoryAndTheOutboxAtOnce() {
        EnqueueResult r = store.enqueue(message("u1", null, "t1"));
        assertThat(r.duplicate()).isFalse();
        MessageRecord rec = store.find(r.id()).orElseThrow();
        assertThat(rec.status()).isEqualTo(MessageStatus.QUEUED);
        assertThat(rec.attachments()).singleElement().satisfies(a -> assertThat(a.size()).isEqualTo(2));
        assertThat(store.pending(10)).extracting(MessageRecord::id).containsExactly(r.id());
        assertThat(store.outboxStats().queued()).isEqualTo(1);
    }

    @Test
    void theSameIdempotencyKeyGivesOneMessage() {
        EnqueueResult first = store.enqueue(message("u1", "key-1", null));
        EnqueueResult again = store.enqueue(message("u1", "key-1", null));
        assertThat(again.duplicate()).isTrue();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(store.enqueue(message("u2", "key-1", null)).duplicate()).as("keys are per user").isFalse();
        assertThat(store.pending(10)).hasSize(2);
    }

    @Test
    void aLeasedEntryIsNotClaimedTwiceAndComesBackWhenReleased() {
        EnqueueResult r = store.enqueue(message("u1", null, null));
        List<StoredOutbound> claimed = store.claimDue("node-a", 10, Duration.ofMinutes(5));
        assertThat(claimed).singleElement().satisfies(s -> {
            assertThat(s.content().attachments()).hasSize(1);
            assertThat(s.content().to()).containsExactly("cand@example.org");
        });
        assertThat(store.find(r.id()).orElseThrow().status()).isEqualTo(MessageStatus.SENDING);
        assertThat(store.claimDue("node-b", 10, Duration.ofMinutes(5))).isEmpty();
        assertThat(store.release("node-a")).isEqualTo(1);
        assertThat(store.find(r.id()).orElseThrow().status()).isEqualTo(MessageStatus.QUEUED);
        assertThat(store.claimDue("node-b", 10, Duration.ofMinutes(5))).hasSize(1);
        now.addAndGet(Duration.ofMinutes(6).toMillis());
        assertThat(store.claimDue("node-c", 10, Duration.ofMinutes(5))).as("expired lease").hasSize(1);
    }

    /**
     * A bounce read before the send's SENT commit (which is asynchronous, or another node's) is not lost: it
     * applies to the message being sent, the commit keeps it, and a send that thought it failed neither retries nor
     * fails it. A report about a message that is only queued (never sent) changes nothing.
     */
    @Test
    void aBounceReadBeforeTheSendsCommitIsKept() {
        EnqueueResult r = store.enqueue(message("u1", null, "t-race"));
        EnqueueResult retried = store.enqueue(message("u1", null, "t-race2"));
        assertThat(store.claimDue("n", 10, Duration.ofMinutes(5))).hasSize(2);
        EnqueueResult queued = store.enqueue(message("u1", null, "t-queued"));
        io.talentats.email.store.ReplyStore.Bounce bounce = new io.talentats.email.store.ReplyStore.Bounce("u1",
                r.id(), true, "5.1.1", "gone@example.org", "unknown user");
        assertThat(store.recordBounce(bounce)).isTrue();
        now.addAndGet(10);
        store.markSent(new Delivery(r.id(), Route.USER_SMTP, "connected", "Jane <jane@example.com>", null, 1,
                "250 2.0.0 OK", SentCopy.NONE)).toCompletableFuture().join();
        MessageRecord m = store.find(r.id()).orElseThrow();
        assertThat(m.status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(m.failureReason()).startsWith("bounced (5.1.1)");
        assertThat(m.lastServerReply()).isEqualTo("250 2.0.0 OK");
        assertThat(store.list("u1")).extracting(io.talentats.email.api.Suppression::address)
                .containsExactly("gone@example.org");

        // The other send timed out after the server had taken the message: its report proves it went
        assertThat(store.recordBounce(new io.talentats.email.store.ReplyStore.Bounce("u1", retried.id(), false,
                "4.4.1", "slow@example.org", "still trying"))).isTrue();
        store.reschedule(retried.id(), MessageStatus.RETRYING, Instant.ofEpochMilli(now.get()), 1, "timeout", null);
        store.markFailed(retried.id(), 1, "gave up", null);
        assertThat(store.find(retried.id()).orElseThrow().status()).isEqualTo(MessageStatus.DELAYED);
        assertThat(store.claimDue("n", 10, Duration.ofMinutes(5))).extracting(StoredOutbound::id)
                .containsExactly(queued.id());

        // Only queued, never sent: a report about it (forged, or about another message) changes nothing
        store.release("n");
        assertThat(store.recordBounce(new io.talentats.email.store.ReplyStore.Bounce("u1", queued.id(), true,
                "5.1.1", "cand@example.org", "unknown user"))).isFalse();
        assertThat(store.find(queued.id()).orElseThrow().status()).isEqualTo(MessageStatus.QUEUED);
    }

    /** A report that the remote server gave up retrying ends the message, says so, and suppresses nobody. */
    @Test
    void anExpiredDeliveryGaveUpAfterRetryingAndAHardBounceSuppresses() {
        EnqueueResult expired = store.enqueue(message("u1", null, "t-exp"));
        EnqueueResult bounced = store.enqueue(message("u1", null, "t-b"));
        store.claimDue("n", 10, Duration.ofMinutes(5));
        for (EnqueueResult r : List.of(expired, bounced)) {
            store.markSent(new Delivery(r.id(), Route.USER_SMTP, "connected", "Jane <jane@example.com>", null, 1,
                    "250 2.0.0 OK", SentCopy.NONE)).toCompletableFuture().join();
        }
        assertThat(store.recordBounce(new io.talentats.email.store.ReplyStore.Bounce("u1", expired.id(), true,
                "4.4.1", "quiet@example.org", "delivery temporarily suspended"))).isTrue();
        MessageRecord e = store.find(expired.id()).orElseThrow();
        assertThat(e.status()).isEqualTo(MessageStatus.BOUNCED);
        assertThat(e.failureReason()).startsWith("gave up after retrying (4.4.1) for quiet@example.org");
        assertThat(store.list("u1")).as("an expiry suppresses nobody").isEmpty();
        assertThat(store.recordBounce(new io.talentats.email.store.ReplyStore.Bounce("u1", bounced.id(), true,
                "5.1.1", "gone@example.org", "unknown user"))).isTrue();
        assertThat(store.find(bounced.id()).orElseThrow().failureReason()).startsWith("bounced (5.1.1)");
        // The timeline keeps what happened, in time order: the send with the server's reply stays before the bounce
        now.addAndGet(1000);
        store.recordReadReceipt("u1", expired.id(), "displayed by quiet@example.org");
        assertThat(store.find(bounced.id()).orElseThrow().lastServerReply()).isEqualTo("250 2.0.0 OK");
        assertThat(store.events(bounced.id())).extracting(ev -> ev.status() + " " + ev.detail()).containsExactly(
                "QUEUED queued", "SENT sent via USER_SMTP: 250 2.0.0 OK",
                "BOUNCED bounced (5.1.1) for gone@example.org: unknown user");
        assertThat(store.events(expired.id())).extracting(ev -> ev.status()).containsExactly(MessageStatus.QUEUED,
                MessageStatus.SENT, MessageStatus.BOUNCED, MessageStatus.BOUNCED);
        assertThat(store.list("u1")).extracting(io.talentats.email.api.Suppression::address)
                .containsExactly("gone@example.org");
    }

    /**
     * The look for an earlier hard bounce made in the transaction that stores a message: refused (nothing stored)
     * or stored with the bounce as a warning, counting the users the check names only.
     */
    @Test
    void anEarlierHardBounceOfARecipientIsFoundWhenTheMessageIsStored() {
        EnqueueResult first = store.enqueue(message("u1", null, "t-1"));
        store.claimDue("n", 10, Duration.ofMinutes(5));
        store.markSent(new Delivery(first.id(), Route.USER_SMTP, "connected", "Jane <jane@example.com>", null, 1,
                "250 2.0.0 OK", SentCopy.NONE)).toCompletableFuture().join();
        assertThat(store.recordBounce(new io.talentats.email.store.ReplyStore.Bounce("u1", first.id(), true,
                "5.1.1", "Cand@Example.org", "unknown user"))).isTrue();
        long before = store.outboxStats().queued();

        NewOutbound next = message("u1", null, "t-2");
        EnqueueResult refused = store.enqueue(new NewOutbound(next.mail(), next.route(), next.routeReason(),
                next.status(), new NewOutbound.BounceCheck(List.of("u1"), true)));
        assertThat(refused.refused()).isTrue();
        assertThat(refused.bounced().address()).isEqualTo("cand@example.org");
        assertThat(refused.bounced().describe()).startsWith("cand@example.org bounced on ")
                .endsWith("(5.1.1: unknown user)");
        assertThat(store.outboxStats().queued()).as("nothing stored").isEqualTo(before);

        EnqueueResult warned = store.enqueue(new NewOutbound(next.mail(), next.route(), next.routeReason(),
                next.status(), new NewOutbound.BounceCheck(List.of("u1"), false)));
        assertThat(warned.refused()).isFalse();
        assertThat(store.find(warned.id()).orElseThrow().routeReason())
                .isEqualTo("recruiter's mailbox connected; warning: " + warned.bounced().describe());

        NewOutbound other = message("u2", null, "t-3");
        EnqueueResult otherUser = store.enqueue(new NewOutbound(other.mail(), other.route(), other.routeReason(),
                other.status(), new NewOutbound.BounceCheck(List.of("u2", "*platform*"), true)));
        assertThat(otherUser.refused()).as("u1's bounce does not count for u2").isFalse();
        assertThat(otherUser.bounced()).isNull();
    }

    /** A thread a hiring team shares: each recruiter's part of it is their own messages, paged as the whole. */
    @Test
    void aRecruitersPartOfASharedThreadIsTheirOwnMessages() {
        EnqueueResult rita1 = store.enqueue(message("rita", null, "shared"));
        EnqueueResult sam = store.enqueue(message("sam", null, "shared"));
        now.addAndGet(1000);
        EnqueueResult rita2 = store.enqueue(message("rita", null, "shared"));
        store.enqueue(message("rita", null, "another"));
        assertThat(store.forThread("shared", PageRequest.first(10)).total()).isEqualTo(3);
        var ritas = store.forThread("shared", "rita", new PageRequest(0, 1));
        assertThat(ritas.total()).isEqualTo(2);
        assertThat(ritas.items()).extracting(MessageRecord::id).containsExactly(rita2.id());
        assertThat(store.forThread("shared", "rita", new PageRequest(1, 1)).items()).extracting(MessageRecord::id)
                .containsExactly(rita1.id());
        assertThat(store.forThread("shared", "sam", PageRequest.first(10)).items()).extracting(MessageRecord::id)
                .containsExactly(sam.id());
        assertThat(store.forThread("shared", "nobody", PageRequest.first(10)).total()).isZero();
    }

    /** A claim the node could not act on is given back due at once; one of a message sent meanwhile is not. */
    @Test
    void aClaimGivenBackIsDueAtOnceUnlessTheMessageWasSentMeanwhile() {
        EnqueueResult held = store.enqueue(message("u1", null, null));
        EnqueueResult sent = store.enqueue(message("u1", null, null));
        assertThat(store.claimDue("node-a", 10, Duration.ofMinutes(5))).hasSize(2);
        store.markSent(new Delivery(sent.id(), Route.USER_SMTP, "connected", "Jane <jane@example.com>", null, 1,
                "250 2.0.0 OK", SentCopy.NONE));
        store.releaseClaim(sent.id(), "node-a");
        store.releaseClaim(held.id(), "node-b");
        store.releaseHeld(); // a synchronous write: everything queued before it is committed
        assertThat(store.claimDue("node-a", 10, Duration.ofMinutes(5))).as("another node's claim stays").isEmpty();
        store.releaseClaim(held.id(), "node-a");
        store.releaseHeld(); // a synchronous write: everything queued before it is committed
        assertThat(store.claimDue("node-a", 10, Duration.ofMinutes(5))).extracting(StoredOutbound::id)
                .containsExactly(held.id());
        assertThat(store.find(sent.id()).orElseThrow().status()).isEqualTo(MessageStatus.SENT);
    }

    @Test
    void sentRetriedFailedAndRequeuedAreRecordedWithTheirTimeline() {
        EnqueueResult r = store.enqueue(message("u1", null, "t1"));
        store.claimDue("n", 10, Duration.ofMinutes(5));
        store.reschedule(r.id(), MessageStatus.RETRYING, Instant.ofEpochMilli(now.get() + 30_000), 1,
                "421 try later", "421 4.7.0 try later");
        assertThat(store.claimDue("n", 10, Duration.ofMinutes(5))).as("not due yet").isEmpty();
        assertThat(store.nextDue()).contains(Instant.ofEpochMilli(now.get() + 30_000));
        now.addAndGet(30_000);
        StoredOutbound again = store.claimDue("n", 10, Duration.ofMinutes(5)).get(0);
        assertThat(again.attempts()).isEqualTo(1);
        store.markFailed(r.id(), 2, "550 no such user", "550 5.1.1 unknown");
        assertThat(store.pending(10)).isEmpty();
        MessageRecord failed = store.find(r.id()).orElseThrow();
        assertThat(failed.status()).isEqualTo(MessageStatus.FAILED);
        assertThat(failed.lastServerReply()).startsWith("550");

        assertThat(store.requeue(r.id())).isTrue();
        assertThat(store.requeue(r.id())).as("only failed messages").isFalse();
        store.claimDue("n", 10, Duration.ofMinutes(5));
        store.markSent(new Delivery(r.id(), Route.USER_SMTP, "connected", "Jane <jane@example.com>", null, 3,
                "250 2.0.0 OK", SentCopy.PENDING)).toCompletableFuture().join();
        MessageRecord sent = store.find(r.id()).orElseThrow();
        assertThat(sent.status()).isEqualTo(MessageStatus.SENT);
        assertThat(sent.sentCopy()).isEqualTo(SentCopy.PENDING);
        assertThat(sent.completedAt()).isNotNull();
        assertThat(store.pendingSentCopies(10)).extracting(StoredOutbound::id).containsExactly(r.id());
        store.recordSentCopy(r.id(), SentCopy.SAVED, "Sent");
        assertThat(store.pendingSentCopies(10)).isEmpty();
        assertThat(store.events(r.id())).extracting(e -> e.status()).containsExactly(MessageStatus.QUEUED,
                MessageStatus.RETRYING, MessageStatus.FAILED, MessageStatus.QUEUED, MessageStatus.SENT);
        assertThat(store.sentThroughUserSmtpSince("u1", Instant.ofEpochMilli(now.get() - 1000))).hasSize(1);
    }

    @Test
    void heldMessagesWaitUntilReleased() {
        NewOutbound m = message("u1", null, null);
        OutboundMail mail = m.mail();
        EnqueueResult r = store.enqueue(new NewOutbound(new OutboundMail(mail.userId(), mail.kind(),
                mail.senderName(), mail.senderAddress(), mail.content(), null, "tok-held", mail.internetMessageId(),
                null, null), m.route(), m.routeReason(), MessageStatus.HELD));
        assertThat(store.claimDue("n", 10, Duration.ofMinutes(5))).isEmpty();
        assertThat(store.outboxStats().held()).isEqualTo(1);
        assertThat(store.releaseHeld()).isEqualTo(1);
        assertThat(store.claimDue("n", 10, Duration.ofMinutes(5))).extracting(StoredOutbound::id).containsExactly(r.id());
    }

    @Test
    void historyIsNewestFirstInPagesAndKnowsTheThreadsLatestMessage() {
        String last = null;
        for (int i = 0; i < 5; i++) {
            now.addAndGet(1000);
            last = store.enqueue(message("u1", null, "thread-9")).id();
        }
        var first = store.forThread("thread-9", new PageRequest(0, 2));
        assertThat(first.total()).isEqualTo(5);
        assertThat(first.items()).hasSize(2);
        assertThat(first.items().get(0).id()).isEqualTo(last);
        assertThat(first.hasMore()).isTrue();
        var rest = store.forThread("thread-9", first.request().next().next());
        assertThat(rest.items()).hasSize(1);
        assertThat(rest.hasMore()).isFalse();
        assertThat(store.forCandidate("cand-1", PageRequest.first(50)).total()).isEqualTo(5);
        assertThat(store.forUser("u1", PageRequest.first(50)).total()).isEqualTo(5);
        assertThat(store.threadTip("thread-9").orElseThrow().internetMessageId())
                .isEqualTo(store.find(last).orElseThrow().internetMessageId());
        assertThat(store.threadTip("no-such-thread")).isEmpty();
    }

    @Test
    void idsSortByTime() {
        String a = MessageIds.next(1000);
        String b = MessageIds.next(2000);
        assertThat(a).hasSize(26).isLessThan(b);
        assertThat(MessageIds.next(1000)).isNotEqualTo(a);
    }
}
