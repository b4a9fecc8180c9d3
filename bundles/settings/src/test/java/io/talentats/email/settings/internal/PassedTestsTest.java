package io.talentats.email.settings.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Security;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.Announcer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

class PassedTestsTest {

    @TempDir
    Path dir;

    /** The shared database's table of passed tests, as two nodes see it. */
    private final Database database = new Database();
    private final Instant now = Instant.parse("2026-12-02T10:00:00Z");
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

    private KeyRing ring() {
        ProductConfig config = Converters.standardConverter()
                .convert(Map.of("key.file", dir.resolve("shared.keys").toString())).to(ProductConfig.class);
        return new KeyRing(config, null, null, v -> null, Announcer.to(() -> null));
    }

    /** Rita's settings with this password typed, or none typed ({@code null}: the stored one is kept). */
    private static AccountDraft draft(String password) {
        AccountDraft.Builder b = AccountDraft.builder().emailAddress("rita@example.com")
                .smtp(new Endpoint("smtp.example.com", 465, Security.SSL_TLS))
                .imap(new Endpoint("imap.example.com", 993, Security.SSL_TLS));
        return (password == null ? b : b.password(password)).build();
    }

    @Test
    void aTestPassedOnOneNodeAllowsTheSameSettingsToBeSavedOnAnother() {
        PassedTests a = new PassedTests(ring(), clock, () -> database);
        PassedTests b = new PassedTests(ring(), clock, () -> database);
        Verification v = new Verification(now, true, "SMTP passed; IMAP passed");
        a.passed("rita", draft("secret-1"), null, v);

        assertThat(b.of("rita", draft("secret-1"), null)).contains(v);
        assertThat(b.of("rita", draft("secret-2"), null)).as("another password").isEmpty();
        assertThat(b.of("rita", draft("secret-1").toBuilder().imap(new Endpoint("imap.example.com", 143,
                Security.STARTTLS)).build(), null)).as("another server").isEmpty();
        assertThat(b.of("ana", draft("secret-1"), null)).as("another user").isEmpty();
        assertThat(database.tests.get("rita").sealedFingerprint()).as("kept encrypted")
                .startsWith("{aesgcm:").doesNotContain("secret-1");

        PassedTests later = new PassedTests(ring(), Clock.offset(clock, PassedTests.VALIDITY.plusSeconds(1)),
                () -> database);
        assertThat(later.of("rita", draft("secret-1"), null)).as("too long ago").isEmpty();
    }

    @Test
    void aSaveOrDisconnectionOnAnyNodeForgetsTheTest() {
        PassedTests a = new PassedTests(ring(), clock, () -> database);
        PassedTests b = new PassedTests(ring(), clock, () -> database);
        a.passed("rita", draft("secret-1"), null, new Verification(now, true, "passed"));
        b.forget("rita");
        assertThat(a.of("rita", draft("secret-1"), null)).isEmpty();
    }

    @Test
    void withoutTheStoreTheTestIsRememberedOnThisNodeOnly() {
        PassedTests a = new PassedTests(ring(), clock, () -> null);
        Verification v = new Verification(now, true, "passed");
        a.passed("rita", draft(null), "{aesgcm:k1}stored", v);
        assertThat(a.of("rita", draft(null), "{aesgcm:k1}stored")).as("the stored password stands for itself")
                .contains(v);
        assertThat(a.of("rita", draft(null), "{aesgcm:k1}other")).isEmpty();
        assertThat(database.tests).isEmpty();
    }

    private static final class Database implements AccountStates {
        final Map<String, PassedTest> tests = new ConcurrentHashMap<>();

        @Override
        public AccountState get(String userId) {
            return AccountState.unknown(userId);
        }

        @Override
        public Map<String, AccountState> all() {
            return Map.of();
        }

        @Override
        public void recordVerification(String userId, Verification verification) {}

        @Override
        public boolean recordHealth(String userId, AccountHealth health) {
            return false;
        }

        @Override
        public void forget(String userId) {}

        @Override
        public void recordPassedTest(String userId, PassedTest test) {
            tests.put(userId, test);
        }

        @Override
        public Optional<PassedTest> passedTest(String userId) {
            return Optional.ofNullable(tests.get(userId));
        }

        @Override
        public void forgetPassedTest(String userId) {
            tests.remove(userId);
        }
    }
}
