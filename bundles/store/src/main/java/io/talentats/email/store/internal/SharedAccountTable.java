package io.talentats.email.store.internal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.talentats.email.runtime.SharedAccounts.Change;

/**
 * Accounts shared by the nodes in {@code email_shared_account}: one row per account, its newest settings or none
 * once disconnected. A change takes the next version from {@code email_shared_account_counter} in its own
 * transaction ({@link Jdbc#isolated}): the counter row stays locked until the change commits, so versions become
 * visible in order. Settings are kept as one text, a line per property ({@code key TAB type TAB value}, with
 * backslash escapes), typed so that a mirrored configuration reads back exactly as it was stored.
 */
final class SharedAccountTable {

    private final Jdbc jdbc;
    private final Clock clock;

    SharedAccountTable(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Whether other nodes can use this database too. One node's embedded H2 file cannot be shared, and there the
     * accounts are not copied into it: a disconnected account's ciphertext would linger in the file's old pages.
     */
    static boolean shareable(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            String url = String.valueOf(meta.getURL()).toLowerCase(java.util.Locale.ROOT);
            return !meta.getDatabaseProductName().equalsIgnoreCase("H2")
                    || url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:");
        } catch (SQLException e) {
            throw Jdbc.failure("find out whether the message database is shared", e);
        }
    }

    long publish(String userId, Map<String, Object> settings) {
        String text = settings == null ? null : encode(settings);
        long now = clock.millis();
        return jdbc.isolated("share the settings of " + userId, c -> {
            Jdbc.update(c, "UPDATE email_shared_account_counter SET version = version + 1 WHERE id = 1", ps -> { });
            long version = Jdbc.query(c, "SELECT version FROM email_shared_account_counter WHERE id = 1", ps -> { },
                    rs -> rs.getLong(1)).get(0);
            Jdbc.Binder values = ps -> {
                ps.setLong(1, version);
                ps.setString(2, text);
                ps.setLong(3, now);
                ps.setString(4, userId);
            };
            // The counter's lock serialises every change, so update-then-insert cannot race another node's insert.
            if (Jdbc.update(c, "UPDATE email_shared_account SET version = ?, settings = ?, updated_at = ? "
                    + "WHERE user_id = ?", values) == 0) {
                Jdbc.update(c, "INSERT INTO email_shared_account (version, settings, updated_at, user_id) "
                        + "VALUES (?, ?, ?, ?)", values);
            }
            return version;
        });
    }

    List<Change> since(long after) {
        return jdbc.query("SELECT user_id, version, settings FROM email_shared_account WHERE version > ? "
                + "ORDER BY version", ps -> ps.setLong(1, after), SharedAccountTable::change);
    }

    private static Change change(ResultSet rs) throws SQLException {
        String text = rs.getString("settings");
        return new Change(rs.getLong("version"), rs.getString("user_id"), text == null ? null : decode(text));
    }

    static String encode(Map<String, Object> settings) {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(settings).forEach((key, value) -> {
            String type = value instanceof String ? "s" : value instanceof Integer ? "i"
                    : value instanceof Long ? "l" : value instanceof Boolean ? "b" : null;
            if (type == null) {
                throw new IllegalArgumentException("setting " + key + " is a " + value.getClass().getName()
                        + "; only String, Integer, Long and Boolean settings can be shared");
            }
            out.append(escape(key)).append('\t').append(type).append('\t').append(escape(value.toString()))
                    .append('\n');
        });
        return out.toString();
    }

    static Map<String, Object> decode(String text) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\t", -1);
            if (parts.length != 3) {
                throw new IllegalStateException("a shared account setting is damaged: " + parts.length + " fields");
            }
            String value = unescape(parts[2]);
            out.put(unescape(parts[0]), switch (parts[1]) {
                case "s" -> value;
                case "i" -> Integer.valueOf(value);
                case "l" -> Long.valueOf(value);
                case "b" -> Boolean.valueOf(value);
                default -> throw new IllegalStateException("a shared account setting has the unknown type "
                        + parts[1]);
            });
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch != '\\' || i + 1 == s.length()) {
                out.append(ch);
                continue;
            }
            char next = s.charAt(++i);
            out.append(switch (next) {
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                default -> next;
            });
        }
        return out.toString();
    }
}
