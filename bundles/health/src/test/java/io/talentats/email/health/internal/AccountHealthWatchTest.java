package io.talentats.email.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.Page;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.Route;
import io.talentats.email.api.Security;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.SubmitReceipt;
import io.talentats.email.api.TestStep;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccountStates;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** The watch's looks with stand-ins for the services and a clock of our own. */
class AccountHealthWatchTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    /** A clock the test moves. */
    private final AtomicReference<Instant> now = new AtomicReference<>(T0);
    private final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now.get(); }
    };

    private final Map<String, Account> accounts = new HashMap<>();
    private final List<String> tested = new ArrayList<>();
    private final List<OutboundMessage> sent = new ArrayList<>();
    private final Map<String, Boolean> passes = new HashMap<>();
    private AccountHealthWatch watch;

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler h) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
    }

    private Account account(String user, Instant savedAt, AccountHealth health, boolean enabled) {
        return new Account(user, user + "@example.com", user + "@example.com", "Rita " + user,
                new Endpoint("smtp.example.com", 465, Security.SSL_TLS), new Endpoint("imap.example.com", 993,
                Security.SSL_TLS), null, null, enabled, true, savedAt, new Verification(savedAt, true, "ok"), health);
    }

    private void start(Map<String, Object> config) {
        AccountSettingsService settings = proxy(AccountSettingsService.class, (p, m, a) -> switch (m.getName()) {
            case "list" -> new ArrayList<>(accounts.values());
            case "save" -> {
                Account before = accounts.get((String) a[0]);
                AccountDraft d = (AccountDraft) a[1];
                Account after = new Account(before.userId(), before.emailAddress(), before.username(),
                        before.displayName(), before.smtp(), before.imap(), null, null, d.enabled(), true,
                        before.savedAt(), before.lastVerification(), before.health());
                accounts.put(before.userId(), after);
                yield after;
            }
            default -> throw new AssertionError(m.getName());
        });
        ConnectionTester tester = proxy(ConnectionTester.class, (p, m, a) -> {
            String user = (String) a[0];
            tested.add(user);
            boolean pass = passes.getOrDefault(user, true);
            Account b = accounts.get(user);
            // As the real tester: every test of the stored settings is recorded, a passed one as healthy
            accounts.put(user, new Account(user, b.emailAddress(), b.username(), b.displayName(), b.smtp(), b.imap(),
                    null, null, b.enabled(), true, b.savedAt(), new Verification(now.get(), pass, "test"),
                    pass ? AccountHealth.healthy() : b.health()));
            return new ConnectionReport(now.get(), null, List.of(new StepResult(TestStep.SMTP,
                    pass ? StepResult.Outcome.PASSED : StepResult.Outcome.FAILED,
                    pass ? null : FailureClass.AUTHENTICATION_FAILED, pass ? "235 ok" : "535 5.7.8 bad credentials",
                    pass ? "logged in" : "the server refused the username or password", List.of(), Duration.ZERO)));
        });
        AccountStates states = proxy(AccountStates.class, (p, m, a) -> {
            if (!m.getName().equals("recordHealth")) {
                throw new AssertionError(m.getName());
            }
            Account before = accounts.get((String) a[0]);
            AccountHealth h = (AccountHealth) a[1];
            if (before.health().state() == h.state()) {
                return false; // as the store does: the incident keeps its start
            }
            accounts.put(before.userId(), new Account(before.userId(), before.emailAddress(), before.username(),
                    before.displayName(), before.smtp(), before.imap(), null, null, before.enabled(), true,
                    before.savedAt(), new Verification(now.get(), h.isHealthy(), "re-check"), h));
            return true;
        });
        MessageRouter router = proxy(MessageRouter.class, (p, m, a) -> {
            OutboundMessage msg = (OutboundMessage) a[0];
            boolean again = sent.stream().anyMatch(s -> s.idempotencyKey().equals(msg.idempotencyKey()));
            if (!again) {
                sent.add(msg);
            }
            return new SubmitReceipt("m" + sent.size(), Route.PLATFORM, again);
        });
        MessageHistory history = proxy(MessageHistory.class,
                (p, m, a) -> new Page<>(List.of(), (PageRequest) a[1], 0));
        Connectivity on = proxy(Connectivity.class, (p, m, a) -> true);
        watch = new AccountHealthWatch(Converters.standardConverter().convert(config).to(HealthWatchConfig.class),
                settings, tester, states, router, history, on, clock);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (watch != null) {
            watch.deactivate();
        }
    }

    @Test
    void aBrokenPasswordIsFoundToldOnceAndTheAccountPausedAfterItsTime() {
        accounts.put("rita", account("rita", T0, AccountHealth.healthy(), true));
        accounts.put("sam", account("sam", T0, AccountHealth.healthy(), true));
        passes.put("rita", false);
        start(Map.of("recheck.interval", "PT1H", "tick", "PT1H", "pause.after", "P2D",
                "page.url", "https://ats.example.com/talentats-email/ui/index.html"));

        watch.look();
        assertThat(tested).as("nothing is due before the interval").isEmpty();

        now.set(T0.plus(Duration.ofHours(1)));
        watch.look();
        assertThat(tested).containsExactlyInAnyOrder("rita", "sam");
        assertThat(accounts.get("rita").health().state()).isEqualTo(AccountHealth.State.AUTHENTICATION_FAILING);
        assertThat(accounts.get("sam").health().isHealthy()).isTrue();
        assertThat(sent).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo(MessageKind.ACCOUNT_NOTICE);
            assertThat(n.senderUserId()).isEqualTo("rita");
            assertThat(n.content().to()).containsExactly("rita@example.com");
            assertThat(n.content().subject()).isEqualTo("Your mailbox connection stopped working");
            assertThat(n.content().textBody()).contains("no longer accepts the password")
                    .contains("app-specific password")
                    .contains("https://ats.example.com/talentats-email/ui/index.html?user=rita");
        });

        // Later looks: the same incident is not told again, and a failing account is tested again when due
        tested.clear();
        now.set(T0.plus(Duration.ofHours(1).plusMinutes(30)));
        watch.look();
        assertThat(tested).isEmpty();
        assertThat(sent).hasSize(1);

        now.set(T0.plus(Duration.ofDays(2).plusHours(1)));
        watch.look();
        assertThat(accounts.get("rita").enabled()).as("paused after two days failing").isFalse();
        assertThat(sent).extracting(n -> n.content().subject()).containsExactly(
                "Your mailbox connection stopped working", "Your mailbox connection was paused");
        assertThat(accounts.get("sam").enabled()).isTrue();

        tested.clear();
        now.set(T0.plus(Duration.ofDays(3)));
        watch.look();
        assertThat(tested).as("a paused account is not tested").doesNotContain("rita");
        assertThat(sent).hasSize(2);
    }

    @Test
    void reChecksAreSpreadOverTheInterval() {
        for (int i = 0; i < 100; i++) {
            accounts.put("u" + i, account("u" + i, T0.minus(Duration.ofDays(2)), AccountHealth.healthy(), true));
        }
        start(Map.of("recheck.interval", "P1D", "tick", "PT1H"));
        watch.look();
        assertThat(tested).as("100 accounts a day, a look an hour: 5 a look").hasSize(5);
    }

    @Test
    void anUnreachableServerIsToldOnlyAfterItsGracePeriod() {
        AccountHealth down = new AccountHealth(AccountHealth.State.UNREACHABLE, "connection refused", T0);
        accounts.put("una", account("una", T0, down, true));
        start(Map.of("recheck.interval", "PT0S", "tick", "PT1H", "unreachable.notify.after", "PT1H"));
        now.set(T0.plus(Duration.ofMinutes(59)));
        watch.look();
        assertThat(sent).isEmpty();
        now.set(T0.plus(Duration.ofMinutes(61)));
        watch.look();
        assertThat(sent).singleElement().satisfies(n -> assertThat(n.content().textBody())
                .contains("could not be reached").contains("Email Connection Settings"));
        assertThat(tested).as("re-checks off").isEmpty();
    }

    @Test
    void badDurationsAreRefusedWithTheKeyToFix() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> HealthRules.duration("pause.after", "7 days"))
                .hasMessageContaining("pause.after").hasMessageContaining("P1D");
        assertThat(HealthRules.duration("tick", "PT1M")).isEqualTo(Duration.ofMinutes(1));
    }
}
