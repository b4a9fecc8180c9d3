package io.talentats.email.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;
import io.talentats.email.api.Verification;
import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.SmtpImapAccess;
import io.talentats.email.mail.internal.MailConfig;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.internal.StoreFixture;

import jakarta.mail.internet.MimeMessage;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/**
 * The outbox's concurrent parts together (dispatcher, workers, lanes, the store's writer) against a real SMTP
 * server: messages submitted from several threads at once are each delivered once, and a lane whose server goes
 * away retries, records the account's health and recovers, without a Karaf.
 */
class OutboxTest {

    private GreenMail smtp;
    private StoreFixture store;
    private AngusMailSessions sessions;
    private Outbox outbox;
    private final Map<String, Account> accounts = new HashMap<>();

    @BeforeEach
    void start() {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = StoreFixture.open(h2);
        sessions = new AngusMailSessions(Converters.standardConverter()
                .convert(Map.of("connect.timeout.ms", 2000, "read.timeout.ms", 3000)).to(MailConfig.class));
        RouterConfig config = Converters.standardConverter().convert(Map.of(
                "workers", 3, "retry.initial.delay.ms", 200, "retry.max.delay.ms", 400, "retry.max.attempts", 50,
                "smtp.idle.close.ms", 500, "poll.interval.ms", 50, "lease.ms", 60_000)).to(RouterConfig.class);
        outbox = new Outbox(config, "test-node", store, sessions, new Settings(),
                new SmtpImapAccess(sessions, new Vault(), store, java.time.Clock.systemUTC()), () -> true,
                Announcer.to(() -> null), () -> null);
    }

    @AfterEach
    void stop() {
        outbox.stop();
        store.close();
        smtp.stop();
    }

    private void recruiter(String userId, int port) {
        accounts.put(userId, new Account(userId, userId + "@corp.test", userId + "@corp.test", "R " + userId,
                new Endpoint("127.0.0.1", port, Security.NONE), new Endpoint("127.0.0.1", 1, Security.NONE), null,
                false, true, true, Instant.now(), null, AccountHealth.healthy()));
    }

    private static OutboundMessage message(String userId, int n) {
        return OutboundMessage.builder().senderUserId(userId).kind(MessageKind.CUSTOM).to("cand" + n + "@cand.test")
                .subject("Message " + n + " of " + userId).textBody("Hello " + n).build();
    }

    /**
     * The account's settings saved again while it sends (the save's event arrives after its first messages went):
     * the sending limit keeps counting the messages just sent, also those whose records the store does not show yet.
     */
    @Test
    void theSendingLimitHoldsAcrossASaveOfTheAccountWhileItsSendsAreStillBeingRecorded() throws Exception {
        outbox.stop();
        // A store that shows no sends yet, as while their records are still on their way to it
        io.talentats.email.store.MessageStore recording = (io.talentats.email.store.MessageStore)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {io.talentats.email.store.MessageStore.class}, (proxy, method, args) -> {
                            if (method.getName().equals("sentThroughUserSmtpSince")) {
                                return List.of();
                            }
                            try {
                                return method.invoke(store, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
        RouterConfig config = Converters.standardConverter().convert(Map.of("workers", 3, "poll.interval.ms", 50,
                "lease.ms", 60_000, "sending.limits", "*=3/PT2S")).to(RouterConfig.class);
        outbox = new Outbox(config, "test-node", recording, sessions, new Settings(),
                new SmtpImapAccess(sessions, new Vault(), store, java.time.Clock.systemUTC()), () -> true,
                Announcer.to(() -> null), () -> null);
        recruiter("rl", smtp.getSmtp().getPort());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(outbox.submit(message("rl", i)).messageId());
        }
        await("the first three sent", Duration.ofSeconds(20),
                () -> ids.stream().allMatch(id -> status(id) == MessageStatus.SENT));
        outbox.accountChanged("rl");
        for (int i = 3; i < 6; i++) {
            ids.add(outbox.submit(message("rl", i)).messageId());
        }
        await("all six sent", Duration.ofSeconds(20),
                () -> ids.stream().allMatch(id -> status(id) == MessageStatus.SENT));
        List<Instant> sent = ids.stream().map(id -> store.find(id).orElseThrow().completedAt()).sorted().toList();
        for (int i = 3; i < 6; i++) {
            assertThat(Duration.between(sent.get(i - 3), sent.get(i))).as("message %d after message %d", i, i - 3)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        }
    }

    private MessageStatus status(String id) {
        return store.find(id).map(io.talentats.email.api.MessageRecord::status).orElse(null);
    }

    @Test
    void messagesSubmittedConcurrentlyFromManySendersAreEachDeliveredOnce() throws Exception {
        int senders = 5;
        int perSender = 60;
        for (int s = 0; s < senders; s++) {
            recruiter("u" + s, smtp.getSmtp().getPort());
        }
        ExecutorService submitters = Executors.newFixedThreadPool(4);
        List<Future<String>> ids = new ArrayList<>();
        for (int i = 0; i < senders * perSender; i++) {
            int n = i;
            ids.add(submitters.submit(() -> outbox.submit(message("u" + (n % senders), n)).messageId()));
        }
        submitters.shutdown();
        Set<String> submitted = new HashSet<>();
        for (Future<String> f : ids) {
            submitted.add(f.get());
        }
        assertThat(submitted).hasSize(senders * perSender);
        await("every message sent", Duration.ofSeconds(60),
                () -> submitted.stream().allMatch(id -> store.find(id).orElseThrow().status() == MessageStatus.SENT));
        await("every message at the server", Duration.ofSeconds(10),
                () -> smtp.getReceivedMessages().length >= senders * perSender);
        Set<String> subjects = new HashSet<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            assertThat(subjects.add(m.getSubject())).as("received once: " + m.getSubject()).isTrue();
        }
        assertThat(subjects).hasSize(senders * perSender);
        assertThat(store.outboxStats().depth()).isZero();
    }

    @Test
    void aLaneWhoseServerVanishesRetriesMarksTheAccountAndRecovers() throws Exception {
        int port = smtp.getSmtp().getPort();
        recruiter("u1", port);
        String first = outbox.submit(message("u1", 1)).messageId();
        await("the first message sent", Duration.ofSeconds(20),
                () -> store.find(first).orElseThrow().status() == MessageStatus.SENT);
        smtp.stop();
        String second = outbox.submit(message("u1", 2)).messageId();
        await("the account marked unreachable", Duration.ofSeconds(20),
                () -> store.get("u1").health().state() == AccountHealth.State.UNREACHABLE);
        await("the message waiting for another attempt", Duration.ofSeconds(20),
                () -> store.find(second).orElseThrow().status() == MessageStatus.RETRYING);
        smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        await("the message sent once the server is back", Duration.ofSeconds(30),
                () -> store.find(second).orElseThrow().status() == MessageStatus.SENT);
        await("the account healthy again", Duration.ofSeconds(10), () -> store.get("u1").health().isHealthy());
        assertThat(store.find(second).orElseThrow().attempts()).isGreaterThan(1);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    /** The recruiters' settings as this test defines them. */
    private final class Settings implements AccountSettingsService {
        @Override
        public List<FieldError> validate(String userId, AccountDraft draft) {
            return List.of();
        }

        @Override
        public Account save(String userId, AccountDraft draft) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Account> get(String userId) {
            Account a = accounts.get(userId);
            return a == null ? Optional.empty() : Optional.of(new Account(a.userId(), a.emailAddress(), a.username(),
                    a.displayName(), a.smtp(), a.imap(), a.presetId(), a.saveSentCopy(), a.enabled(), true,
                    a.savedAt(), null, store.get(userId).health()));
        }

        @Override
        public boolean disconnect(String userId) {
            return accounts.remove(userId) != null;
        }

        @Override
        public List<Account> list() {
            return List.copyOf(accounts.values());
        }
    }

    private final class Vault implements CredentialVault {
        @Override
        public Optional<MailAccount> open(String userId) {
            Account a = accounts.get(userId);
            return a == null ? Optional.empty() : Optional.of(new MailAccount(a.userId(), a.emailAddress(), null,
                    Secret.of("unused"), a.displayName(), a.smtp(), a.imap(), null, false, true));
        }

        @Override
        public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {}
    }
}
