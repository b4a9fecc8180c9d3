package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;
import io.talentats.email.api.Verification;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.api.WatcherStatus.Mode;
import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.MailConfig;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.internal.StoreFixture;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/**
 * The watcher's states against a real IMAP server that goes away and comes back: IDLE only on a live connection,
 * RECONNECTING and BACKING_OFF (with the attempts counted) while it is gone, IDLE again (attempts back to 0) once
 * it is back, STOPPED when connectivity is switched off.
 */
class MailboxTest {

    private static final String ADDRESS = "rita@corp.test";

    private GreenMail imap;
    private int port;
    private JdbcDataSource h2;
    private StoreFixture store;
    private WatchEngine engine;

    /** The switch as the settings bundle holds it: a value read when the engine hears of a change. */
    private final Connectivity connectivity = new Connectivity() {
        private volatile boolean on = true;

        @Override
        public boolean isEnabled() {
            return on;
        }

        @Override
        public void setEnabled(boolean enabled) {
            on = enabled;
        }
    };

    @BeforeEach
    void start() throws Exception {
        imap = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        imap.start();
        imap.setUser(ADDRESS, ADDRESS, "pw");
        port = imap.getImap().getPort();
        h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        store = StoreFixture.open(h2);
        AngusMailSessions sessions = new AngusMailSessions(Converters.standardConverter()
                .convert(Map.of("connect.timeout.ms", 1000, "read.timeout.ms", 2000)).to(MailConfig.class));
        CollectorConfig config = Converters.standardConverter().convert(Map.of("max.backoff.s", 1, "workers", 2,
                "liveness.interval.s", 1)).to(CollectorConfig.class);
        engine = new WatchEngine(config, store,
                new io.talentats.email.mail.internal.SmtpImapAccess(sessions, new Vault(), store, java.time.Clock.systemUTC()),
                sessions, Announcer.to(() -> null), store, connectivity, "node-test");
    }

    @AfterEach
    void stop() {
        engine.deactivate();
        store.close();
        imap.stop();
    }

    private WatcherStatus watcher() {
        return engine.watchers().stream().filter(w -> w.userId().equals("rita")).findFirst().orElseThrow();
    }

    @Test
    void theStatusFollowsTheConnectionThroughALossAndARecovery() {
        engine.watch("rita");
        await("IDLE", Duration.ofSeconds(20), () -> watcher().mode() == Mode.IDLE);
        assertThat(watcher().attempt()).isZero();

        imap.stop();
        await("the loss noticed and attempts counted", Duration.ofSeconds(20), () -> watcher().attempt() >= 2);
        WatcherStatus down = watcher();
        assertThat(down.mode()).isIn(EnumSet.of(Mode.RECONNECTING, Mode.BACKING_OFF));
        assertThat(down.lastError()).isNotBlank();
        assertThat(down.since()).isNotNull();

        imap = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_IMAP));
        imap.start();
        imap.setUser(ADDRESS, ADDRESS, "pw");
        await("IDLE again", Duration.ofSeconds(20), () -> watcher().mode() == Mode.IDLE);
        assertThat(watcher().attempt()).isZero();
        assertThat(watcher().lastError()).isNull();

        connectivity.setEnabled(false);
        engine.switchChanged();
        Set<Mode> stopped = EnumSet.of(Mode.STOPPED);
        assertThat(watcher().mode()).isIn(stopped);
    }

    @Test
    void aDeadIdleSelectorIsMadeAgainAndTheMailboxIsWatchedByTheNewOne() {
        engine.watch("rita");
        await("IDLE", Duration.ofSeconds(20), () -> watcher().mode() == Mode.IDLE && engine.idleSelector().running());

        // The select loop ends as on an error of its own ("Too many open files"): every watch fails after that
        engine.idleSelector().kill();
        await("the dead selector noticed by the liveness check", Duration.ofSeconds(20),
                () -> watcher().mode() != Mode.IDLE);
        await("IDLE again, on a new selector", Duration.ofSeconds(20),
                () -> watcher().mode() == Mode.IDLE && engine.idleSelector().running());
        assertThat(watcher().attempt()).isZero();
    }

    @Test
    void aRenewalRoundWaitsForNoTakeoverAndStopsAMailboxWhoseLeaseAnotherNodeTook() throws Exception {
        engine.watch("rita");
        await("IDLE", Duration.ofSeconds(20), () -> watcher().mode() == Mode.IDLE);
        engine.keepLeases();
        assertThat(engine.nodes()).singleElement().satisfies(n -> {
            assertThat(n.nodeId()).isEqualTo("node-test");
            assertThat(n.self()).isTrue();
            assertThat(n.alive()).isTrue();
            assertThat(n.mailboxes()).isEqualTo(1);
        });
        try (java.sql.Connection c = h2.getConnection(); java.sql.Statement st = c.createStatement()) {
            assertThat(st.executeUpdate("UPDATE email_watch_lease SET owner = 'node-other', fencing = fencing + 1 "
                    + "WHERE mailbox_id = 'rita'")).isEqualTo(1);
        }
        // A large takeover holds the engine's monitor for many acquisitions; the renewal must not wait for it
        synchronized (engine) {
            java.util.concurrent.CompletableFuture.runAsync(engine::keepLeases)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        await("watched elsewhere, not here", Duration.ofSeconds(20), () -> watcher().mode() == Mode.ELSEWHERE
                && "node-other".equals(watcher().node()));
        assertThat(engine.nodes()).singleElement().satisfies(n -> assertThat(n.mailboxes()).isZero());
    }

    @Test
    void aRefusedLoginIsAuthFailingNotABackoffLoop() {
        imap.setUser(ADDRESS, ADDRESS, "changed-at-the-server");
        engine.watch("rita");
        await("AUTH_FAILING", Duration.ofSeconds(20), () -> watcher().mode() == Mode.AUTH_FAILING);
        assertThat(watcher().lastError()).contains("refused the login");
        assertThat(store.get("rita").health().state().name()).isEqualTo("AUTHENTICATION_FAILING");
    }

    /** A delivery report too broken to read is quarantined with the reason, never dropped without a trace. */
    @Test
    void aDeliveryReportThatCannotBeReadIsQuarantined() throws Exception {
        engine.watch("rita");
        await("IDLE", Duration.ofSeconds(20), () -> watcher().mode() == Mode.IDLE);
        String broken = """
                From: Mail Delivery System <MAILER-DAEMON@mx.candidates.example>
                To: rita@corp.test
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <broken-report@mx.candidates.example>
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="never-there"

                The parts of this report were cut off on the way.
                """.replace("\n", "\r\n");
        jakarta.mail.internet.MimeMessage m = new jakarta.mail.internet.MimeMessage(
                jakarta.mail.Session.getInstance(new java.util.Properties()),
                new java.io.ByteArrayInputStream(broken.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        imap.getUserManager().getUserByEmail(ADDRESS).deliver(m);
        await("quarantined", Duration.ofSeconds(20), () -> !store.quarantined(
                new io.talentats.email.api.PageRequest(0, 10)).items().isEmpty());
        assertThat(store.quarantined(new io.talentats.email.api.PageRequest(0, 10)).items()).singleElement()
                .satisfies(r -> assertThat(r.failureReason()).startsWith("a delivery report that cannot be read"));
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

    private final class Vault implements CredentialVault {
        @Override
        public Optional<MailAccount> open(String userId) {
            return Optional.of(new MailAccount(userId, ADDRESS, ADDRESS, Secret.of("pw"), "Rita",
                    new Endpoint("127.0.0.1", 1, Security.NONE), new Endpoint("127.0.0.1", port, Security.NONE),
                    null, false, true));
        }

        @Override
        public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {}
    }
}
