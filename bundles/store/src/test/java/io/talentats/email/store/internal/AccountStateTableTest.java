package io.talentats.email.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;

import javax.sql.DataSource;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.AccountStates.PassedTest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AccountStateTableTest {

    private DataSource database;
    private StoreFixture store;

    @BeforeEach
    void database() throws Exception {
        database = StoreTest.emptyDatabase();
        store = StoreFixture.open(database, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void nothingRecordedMeansNeverTestedAndHealthy() {
        AccountState s = store.get("rita");
        assertThat(s.lastVerification()).isNull();
        assertThat(s.health().isHealthy()).isTrue();
        assertThat(store.all()).isEmpty();
    }

    @Test
    void healthIsRecordedOncePerChangeOfState() {
        AccountHealth failing = new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING, "535 bad login",
                Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(store.recordHealth("rita", failing)).isTrue();
        assertThat(store.recordHealth("rita", new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING,
                "535 again", Instant.now()))).as("same state again").isFalse();
        AccountState s = store.get("rita");
        assertThat(s.health()).isEqualTo(failing);
        assertThat(store.recordHealth("rita", AccountHealth.healthy())).isTrue();
        assertThat(store.get("rita").health()).isEqualTo(AccountHealth.healthy());
        assertThat(store.recordHealth("rita", AccountHealth.healthy())).isFalse();
    }

    @Test
    void verificationAndHealthLiveSideBySideAndAreForgottenTogether() {
        Verification v = new Verification(Instant.parse("2026-12-01T09:00:00Z"), true, "SMTP passed; IMAP passed");
        store.recordVerification("rita", v);
        store.recordHealth("rita", new AccountHealth(AccountHealth.State.UNREACHABLE, "connection refused",
                Instant.parse("2026-12-01T09:30:00Z")));
        AccountState s = store.get("rita");
        assertThat(s.lastVerification()).isEqualTo(v);
        assertThat(s.health().state()).isEqualTo(AccountHealth.State.UNREACHABLE);
        assertThat(store.all()).containsOnlyKeys("rita");
        store.forget("rita");
        assertThat(store.get("rita")).isEqualTo(AccountState.unknown("rita"));
        assertThat(store.all()).isEmpty();
    }

    @Test
    void aLongReasonIsCutToItsColumn() {
        String reason = "x".repeat(5000);
        store.recordHealth("rita", new AccountHealth(AccountHealth.State.UNREACHABLE, reason, Instant.now()));
        assertThat(store.get("rita").health().reason()).hasSize(Columns.HEALTH_REASON).endsWith("…");
    }

    @Test
    void aPassedTestIsReadByAnotherStoreOnTheSameDatabaseUntilForgotten() throws Exception {
        StoreFixture other = StoreFixture.open(database, Clock.systemUTC());
        try {
            assertThat(other.passedTest("rita")).isEmpty();
            Instant at = Instant.parse("2026-12-02T10:00:00Z");
            store.recordPassedTest("rita", new PassedTest("sealed-1", new Verification(at, true, "SMTP passed")));
            store.recordPassedTest("rita", new PassedTest("sealed-2", new Verification(at.plusSeconds(5), true,
                    "SMTP passed; IMAP passed")));
            assertThat(other.passedTest("rita")).contains(new PassedTest("sealed-2",
                    new Verification(at.plusSeconds(5), true, "SMTP passed; IMAP passed")));
            assertThat(other.passedTest("ana")).isEmpty();
            assertThat(store.all()).as("no account state made by a test of unsaved settings").isEmpty();
            other.forgetPassedTest("rita");
            assertThat(store.passedTest("rita")).isEmpty();
        } finally {
            other.close();
        }
    }
}
