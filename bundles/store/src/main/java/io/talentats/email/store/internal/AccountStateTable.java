package io.talentats.email.store.internal;

import static io.talentats.email.store.internal.Columns.cut;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.AccountStates.PassedTest;

/**
 * Accounts' runtime state in {@code email_account_state}. Reads are served from memory for {@link #FRESH}, because
 * the router asks on every submit; this node's own writes replace the remembered value at once, another node's are
 * seen within {@link #FRESH}. Passed tests of unsaved settings are in {@code email_passed_test}, read when a save
 * asks, never remembered here.
 */
final class AccountStateTable {

    static final Duration FRESH = Duration.ofSeconds(2);

    private record Remembered(AccountState state, long loadedAt) {}

    private final Jdbc jdbc;
    private final Clock clock;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    AccountStateTable(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    AccountState get(String userId) {
        long now = System.nanoTime();
        Remembered r = remembered.get(userId);
        if (r != null && now - r.loadedAt() < FRESH.toNanos()) {
            return r.state();
        }
        List<AccountState> found = jdbc.query("SELECT * FROM email_account_state WHERE user_id = ?",
                ps -> ps.setString(1, userId), AccountStateTable::state);
        AccountState state = found.isEmpty() ? AccountState.unknown(userId) : found.get(0);
        remembered.put(userId, new Remembered(state, now));
        return state;
    }

    Map<String, AccountState> all() {
        Map<String, AccountState> out = new LinkedHashMap<>();
        for (AccountState s : jdbc.query("SELECT * FROM email_account_state ORDER BY user_id", ps -> { },
                AccountStateTable::state)) {
            out.put(s.userId(), s);
        }
        return out;
    }

    void recordVerification(String userId, Verification v) {
        long now = clock.millis();
        AccountState after = jdbc.write("record a connection test", c -> {
            upsert(c, userId, now, "verified_at = ?, verified_passed = ?, verified_summary = ?", ps -> {
                ps.setLong(1, v.at().toEpochMilli());
                ps.setBoolean(2, v.passed());
                ps.setString(3, cut(v.summary() == null ? "" : v.summary(), Columns.VERIFIED_SUMMARY));
            }, 3);
            return read(c, userId);
        });
        remembered.put(userId, new Remembered(after, System.nanoTime()));
    }

    /** Records the health; {@code false} (and nothing written) when the account was already in that state. */
    boolean recordHealth(String userId, AccountHealth health) {
        long now = clock.millis();
        AccountState after = jdbc.write("record an account's health", c -> {
            AccountState before = read(c, userId);
            if (before.health().state() == health.state()) {
                return null;
            }
            boolean healthy = health.isHealthy();
            Instant since = health.since() == null ? Instant.ofEpochMilli(now) : health.since();
            upsert(c, userId, now, "health_state = ?, health_reason = ?, health_since = ?", ps -> {
                ps.setString(1, health.state().name());
                ps.setString(2, healthy ? null : cut(health.reason() == null ? "" : health.reason(),
                        Columns.HEALTH_REASON));
                Jdbc.setLong(ps, 3, healthy ? null : since.toEpochMilli());
            }, 3);
            return read(c, userId);
        });
        if (after == null) {
            return false;
        }
        remembered.put(userId, new Remembered(after, System.nanoTime()));
        return true;
    }

    void forget(String userId) {
        jdbc.write("forget an account's state", c -> Jdbc.update(c, "DELETE FROM email_account_state WHERE user_id = ?",
                ps -> ps.setString(1, userId)));
        remembered.remove(userId);
    }

    void recordPassedTest(String userId, PassedTest test) {
        if (test.sealedFingerprint().length() > Columns.PASSED_TEST_FINGERPRINT) {
            throw new IllegalArgumentException("A test fingerprint is at most " + Columns.PASSED_TEST_FINGERPRINT
                    + " characters");
        }
        jdbc.write("record a passed connection test", c -> {
            Jdbc.update(c, "DELETE FROM email_passed_test WHERE user_id = ?", ps -> ps.setString(1, userId));
            return Jdbc.update(c, "INSERT INTO email_passed_test (user_id, fingerprint, tested_at, summary) "
                    + "VALUES (?, ?, ?, ?)", ps -> {
                        ps.setString(1, userId);
                        ps.setString(2, test.sealedFingerprint());
                        ps.setLong(3, test.verification().at().toEpochMilli());
                        ps.setString(4, cut(test.verification().summary(), Columns.VERIFIED_SUMMARY));
                    });
        });
    }

    Optional<PassedTest> passedTest(String userId) {
        return jdbc.query("SELECT * FROM email_passed_test WHERE user_id = ?", ps -> ps.setString(1, userId),
                rs -> new PassedTest(rs.getString("fingerprint"), new Verification(
                        Instant.ofEpochMilli(rs.getLong("tested_at")), true, rs.getString("summary"))))
                .stream().findFirst();
    }

    void forgetPassedTest(String userId) {
        jdbc.write("forget a passed connection test", c -> Jdbc.update(c,
                "DELETE FROM email_passed_test WHERE user_id = ?", ps -> ps.setString(1, userId)));
    }

    /**
     * Sets {@code assignments} on the user's row, creating the row first if there is none. Single writer per node;
     * two nodes creating the same row at once is a unique violation that the second one's retry turns into an update.
     */
    private static void upsert(Connection c, String userId, long now, String assignments, Jdbc.Binder values,
            int count) throws SQLException {
        int updated = Jdbc.update(c, "UPDATE email_account_state SET " + assignments + ", updated_at = ? "
                + "WHERE user_id = ?", ps -> {
                    values.bind(ps);
                    ps.setLong(count + 1, now);
                    ps.setString(count + 2, userId);
                });
        if (updated == 0) {
            Jdbc.update(c, "INSERT INTO email_account_state (user_id, updated_at) VALUES (?, ?)", ps -> {
                ps.setString(1, userId);
                ps.setLong(2, now);
            });
            upsert(c, userId, now, assignments, values, count);
        }
    }

    private static AccountState read(Connection c, String userId) throws SQLException {
        List<AccountState> found = Jdbc.query(c, "SELECT * FROM email_account_state WHERE user_id = ?",
                ps -> ps.setString(1, userId), AccountStateTable::state);
        return found.isEmpty() ? AccountState.unknown(userId) : found.get(0);
    }

    private static AccountState state(ResultSet rs) throws SQLException {
        Instant verifiedAt = Jdbc.instant(rs, "verified_at");
        Verification v = verifiedAt == null ? null
                : new Verification(verifiedAt, rs.getBoolean("verified_passed"), rs.getString("verified_summary"));
        AccountHealth.State state = AccountHealth.State.valueOf(rs.getString("health_state"));
        AccountHealth health = state == AccountHealth.State.HEALTHY ? AccountHealth.healthy()
                : new AccountHealth(state, rs.getString("health_reason"), Jdbc.instant(rs, "health_since"));
        return new AccountState(rs.getString("user_id"), v, health);
    }
}
