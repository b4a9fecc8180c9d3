package io.talentats.email.store.internal;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.talentats.email.store.OAuthGrants.Flow;
import io.talentats.email.store.OAuthGrants.Grant;
import io.talentats.email.store.OAuthGrants.Refresh;

/** OAuth grants and sign-ins under way in {@code email_oauth_grant} and {@code email_oauth_flow}. */
final class OAuthTables {

    private static final String GRANT_COLUMNS =
            "user_id, provider, refresh_token, access_token, access_expires_at, access_renew_at, version";

    private final Jdbc jdbc;
    private final Clock clock;

    OAuthTables(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Optional<Grant> grant(String userId) {
        return jdbc.query("SELECT " + GRANT_COLUMNS + " FROM email_oauth_grant WHERE user_id = ?",
                ps -> ps.setString(1, userId), OAuthTables::grant).stream().findFirst();
    }

    List<Grant> grants() {
        return jdbc.query("SELECT " + GRANT_COLUMNS + " FROM email_oauth_grant ORDER BY user_id", ps -> { },
                OAuthTables::grant);
    }

    Grant putGrant(Grant g) {
        long now = clock.millis();
        return jdbc.write("store an OAuth grant", c -> {
            long version = Jdbc.query(c, "SELECT version FROM email_oauth_grant WHERE user_id = ?",
                    ps -> ps.setString(1, g.userId()), rs -> rs.getLong(1)).stream().findFirst().orElse(0L) + 1;
            Jdbc.update(c, "DELETE FROM email_oauth_grant WHERE user_id = ?", ps -> ps.setString(1, g.userId()));
            Grant stored = new Grant(g.userId(), g.provider(), g.refreshToken(), g.accessToken(), g.accessExpiresAt(),
                    g.accessRenewAt(), version);
            insert(c, stored, now);
            return stored;
        });
    }

    Optional<Grant> refresh(String userId, Refresh refresh) throws Exception {
        return jdbc.isolated(c -> {
            List<Grant> found = Jdbc.query(c, "SELECT " + GRANT_COLUMNS + " FROM email_oauth_grant WHERE user_id = ? "
                    + "FOR UPDATE", ps -> ps.setString(1, userId), OAuthTables::grant);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Grant current = found.get(0);
            Grant next = refresh.apply(current);
            if (next == current || next == null) {
                return Optional.of(current);
            }
            Grant stored = new Grant(userId, current.provider(), next.refreshToken(), next.accessToken(),
                    next.accessExpiresAt(), next.accessRenewAt(), current.version() + 1);
            Jdbc.update(c, "UPDATE email_oauth_grant SET refresh_token = ?, access_token = ?, access_expires_at = ?, "
                    + "access_renew_at = ?, version = ?, updated_at = ? WHERE user_id = ?", ps -> {
                        Jdbc.setText(ps, 1, stored.refreshToken());
                        Jdbc.setText(ps, 2, stored.accessToken());
                        Jdbc.setLong(ps, 3, millis(stored.accessExpiresAt()));
                        Jdbc.setLong(ps, 4, millis(stored.accessRenewAt()));
                        ps.setLong(5, stored.version());
                        ps.setLong(6, clock.millis());
                        ps.setString(7, userId);
                    });
            return Optional.of(stored);
        });
    }

    boolean reencrypted(String userId, long version, String refreshToken, String accessToken) {
        return jdbc.write("re-encrypt an OAuth grant", c -> Jdbc.update(c, "UPDATE email_oauth_grant SET "
                + "refresh_token = ?, access_token = ?, version = version + 1 WHERE user_id = ? AND version = ?",
                ps -> {
                    Jdbc.setText(ps, 1, refreshToken);
                    Jdbc.setText(ps, 2, accessToken);
                    ps.setString(3, userId);
                    ps.setLong(4, version);
                }) == 1);
    }

    boolean deleteGrant(String userId) {
        return jdbc.write("remove an OAuth grant", c -> Jdbc.update(c,
                "DELETE FROM email_oauth_grant WHERE user_id = ?", ps -> ps.setString(1, userId)) == 1);
    }

    void putFlow(Flow f) {
        jdbc.write("store an OAuth sign-in", c -> Jdbc.update(c, "INSERT INTO email_oauth_flow (state, user_id, "
                + "provider, preset_id, verifier, nonce, started_by, expires_at, mail_access) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                ps -> {
                    ps.setString(1, f.state());
                    ps.setString(2, f.userId());
                    ps.setString(3, f.provider());
                    Jdbc.setText(ps, 4, f.presetId());
                    ps.setString(5, f.verifier());
                    ps.setString(6, f.nonce());
                    ps.setString(7, Columns.cut(f.startedBy(), Columns.OAUTH_STARTED_BY));
                    ps.setLong(8, f.expiresAt().toEpochMilli());
                    Jdbc.setText(ps, 9, f.mailAccess());
                }));
    }

    Optional<Flow> takeFlow(String state) {
        return jdbc.write("take an OAuth sign-in", c -> {
            List<Flow> found = Jdbc.query(c, "SELECT * FROM email_oauth_flow WHERE state = ?",
                    ps -> ps.setString(1, state), rs -> new Flow(rs.getString("state"), rs.getString("user_id"),
                            rs.getString("provider"), rs.getString("preset_id"), rs.getString("verifier"),
                            rs.getString("nonce"), rs.getString("started_by"), Jdbc.instant(rs, "expires_at"),
                            rs.getString("mail_access")));
            if (found.isEmpty()) {
                return Optional.<Flow>empty();
            }
            // Deleted in the transaction that read it: a second callback with the same state finds nothing.
            boolean mine = Jdbc.update(c, "DELETE FROM email_oauth_flow WHERE state = ?",
                    ps -> ps.setString(1, state)) == 1;
            return mine ? Optional.of(found.get(0)) : Optional.<Flow>empty();
        });
    }

    int purgeFlows(Instant now) {
        return jdbc.write("forget expired OAuth sign-ins", c -> Jdbc.update(c,
                "DELETE FROM email_oauth_flow WHERE expires_at < ?", ps -> ps.setLong(1, now.toEpochMilli())));
    }

    private static void insert(Connection c, Grant g, long now) throws SQLException {
        Jdbc.update(c, "INSERT INTO email_oauth_grant (" + GRANT_COLUMNS + ", updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", ps -> {
                    ps.setString(1, g.userId());
                    ps.setString(2, g.provider());
                    Jdbc.setText(ps, 3, g.refreshToken());
                    Jdbc.setText(ps, 4, g.accessToken());
                    Jdbc.setLong(ps, 5, millis(g.accessExpiresAt()));
                    Jdbc.setLong(ps, 6, millis(g.accessRenewAt()));
                    ps.setLong(7, g.version());
                    ps.setLong(8, now);
                });
    }

    private static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    private static Grant grant(ResultSet rs) throws SQLException {
        return new Grant(rs.getString("user_id"), rs.getString("provider"), rs.getString("refresh_token"),
                rs.getString("access_token"), Jdbc.instant(rs, "access_expires_at"), Jdbc.instant(rs, "access_renew_at"),
                rs.getLong("version"));
    }
}
