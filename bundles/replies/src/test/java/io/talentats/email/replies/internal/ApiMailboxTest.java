package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.MessageContent;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Verification;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.api.WatcherStatus.Mode;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.ApiInbox;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailboxLogin;
import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.MailConfig;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.OutboundMail;
import io.talentats.email.store.internal.StoreFixture;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/**
 * A mailbox read through a provider's API feeds the same pipeline as one read over IMAP: replies tied to their
 * message, from the cursor kept as the checkpoint; a lost cursor read again from the checkpoint's time without a
 * double; a Retry-After waited out without a call meanwhile.
 */
class ApiMailboxTest {

    private static final String ADDRESS = "rita@corp.test";
    private static final String SENT_ID = "<sent-1@corp.test>";

    private JdbcDataSource h2;
    private StoreFixture store;
    private WatchEngine engine;
    private final Inbox inbox = new Inbox();

    /** The API's inbox: messages in arrival order; the cursor is how many were seen. */
    private static final class Inbox implements ApiInbox {
        final List<byte[]> messages = new CopyOnWriteArrayList<>();
        final Set<String> expired = ConcurrentHashMap.newKeySet();
        final List<String> cursorsAsked = new CopyOnWriteArrayList<>();
        final AtomicInteger rawReads = new AtomicInteger();
        volatile Instant pausedUntil = Instant.EPOCH;

        @Override
        public Changes changes(String cursor, Instant from) {
            cursorsAsked.add(String.valueOf(cursor));
            boolean lost = cursor != null && expired.contains(cursor);
            int seen = cursor == null || lost ? 0 : Integer.parseInt(cursor);
            List<String> ids = new java.util.ArrayList<>();
            for (int i = seen; i < messages.size(); i++) {
                ids.add("m" + i);
            }
            return new Changes(ids, Integer.toString(messages.size()), lost);
        }

        @Override
        public String profile() {
            return ADDRESS;
        }

        @Override
        public byte[] raw(String id) {
            rawReads.incrementAndGet();
            return messages.get(Integer.parseInt(id.substring(1)));
        }

        @Override
        public Duration waiting() {
            Duration d = Duration.between(Instant.now(), pausedUntil);
            return d.isNegative() ? Duration.ZERO : d;
        }
    }

    private final CredentialVault vault = new CredentialVault() {
        @Override
        public Optional<MailAccount> open(String userId) {
            return Optional.of(new MailAccount(userId, ADDRESS, ADDRESS, Secret.of("token"), "Rita", null, null,
                    null, null, true, true, Instant.now().plusSeconds(3600), "graph"));
        }

        @Override
        public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {}
    };

    /** The way in through the fake API. */
    private final MailAccess access = new MailAccess() {
        @Override
        public AccountLogin login(String userId) {
            return new MailboxLogin(userId, null, vault, () -> null, Clock.systemUTC()) {
                @Override
                public String send(MimeMessage message, Address[] recipients) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public String lastServerReply() {
                    return null;
                }

                @Override
                public boolean connected() {
                    return false;
                }

                @Override
                public <S extends Store> S openStore(StoreFactory<S> stores, boolean forIdle)
                        throws MessagingException {
                    throw new MessagingException("read through the API");
                }

                @Override
                public Optional<ApiInbox> inbox() {
                    return Optional.of(inbox);
                }

                @Override
                public void close() {}
            };
        }

        @Override
        public AccountLogin login(MailAccount account) {
            return login(account.userId());
        }
    };

    @BeforeEach
    void start() throws Exception {
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = StoreFixture.open(h2);
        MessageContent content = new MessageContent(List.of("carl@candidates.test"), List.of(), "Your interview",
                "Dear Carl", null, List.of(), "cand-1", "app-1", "thread-1");
        store.enqueue(new NewOutbound(new OutboundMail("rita", MessageKind.CUSTOM, "Rita", ADDRESS, content, "k1",
                "abcdefghijklmnopqrstuvwxyz", SENT_ID, null, null), Route.USER_SMTP, "connected",
                MessageStatus.QUEUED));
        AngusMailSessions sessions = new AngusMailSessions(Converters.standardConverter().convert(Map.of())
                .to(MailConfig.class));
        CollectorConfig config = Converters.standardConverter().convert(Map.of("api.poll.interval.s", 1,
                "max.backoff.s", 1, "workers", 2)).to(CollectorConfig.class);
        engine = new WatchEngine(config, store, access, sessions, Announcer.to(() -> null), store,
                new Connectivity() {
                    @Override
                    public boolean isEnabled() {
                        return true;
                    }

                    @Override
                    public void setEnabled(boolean enabled) {}
                }, "node-test");
    }

    @AfterEach
    void stop() {
        engine.deactivate();
        store.close();
    }

    private static byte[] reply(String id, String subject) {
        return ("From: Carl <carl@candidates.test>\r\nTo: " + ADDRESS + "\r\nMessage-ID: " + id + "\r\n"
                + "In-Reply-To: " + SENT_ID + "\r\nSubject: " + subject + "\r\nDate: Tue, 8 Dec 2026 10:00:00 +0000\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\nThank you, Thursday works.\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private WatcherStatus watcher() {
        return engine.watchers().stream().filter(w -> w.userId().equals("rita")).findFirst().orElseThrow();
    }

    @Test
    void repliesAreRecordedFromTheCursorAndALostCursorDoublesNothing() {
        inbox.messages.add(reply("<r1@candidates.test>", "Re: Your interview"));
        inbox.messages.add(("From: news@shop.test\r\nTo: " + ADDRESS + "\r\nMessage-ID: <ad@shop.test>\r\n"
                + "Subject: Sale\r\n\r\nBuy.\r\n").getBytes(StandardCharsets.UTF_8));
        engine.watch("rita", "graph");
        await("the reply recorded", () -> watcher().repliesCollected() == 1);
        assertThat(watcher().mode()).isEqualTo(Mode.POLL);
        await("polled from the cursor", () -> inbox.cursorsAsked.contains("2"));

        inbox.expired.add("2");
        inbox.messages.add(reply("<r2@candidates.test>", "Re: Your interview"));
        await("the second reply recorded", () -> watcher().repliesCollected() == 2);
        await("read again from the checkpoint's time", () -> inbox.cursorsAsked.contains("3"));
        assertThat(watcher().repliesCollected()).as("the first reply not recorded twice").isEqualTo(2);
        assertThat(store.forThread("thread-1", io.talentats.email.api.PageRequest.first(50)).items().stream()
                .filter(m -> m.status() == MessageStatus.RECEIVED).count()).isEqualTo(2);
    }

    @Test
    void aRetryAfterIsWaitedOutWithoutACallMeanwhile() {
        inbox.pausedUntil = Instant.now().plusSeconds(3);
        engine.watch("rita", "graph");
        long started = System.nanoTime();
        await("asked once the pause ended", () -> !inbox.cursorsAsked.isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(2500));
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(20_000_000);
        }
    }
}
