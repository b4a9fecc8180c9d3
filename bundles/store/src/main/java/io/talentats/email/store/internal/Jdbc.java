package io.talentats.email.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;

import javax.sql.DataSource;

import io.talentats.email.store.internal.GroupCommitter.Change;

/**
 * How the store's parts talk to the database: every write through the one {@link GroupCommitter} (its result
 * returned, so no holder arrays carry values out of lambdas), reads on a pooled connection, and the few helpers
 * that plain JDBC lacks.
 */
final class Jdbc {

    /** Separates addresses in one column; validated addresses never contain a line break. */
    private static final String LIST_SEPARATOR = "\n";

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    @FunctionalInterface
    interface Mapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private final DataSource dataSource;
    private final GroupCommitter writer;

    Jdbc(DataSource dataSource, GroupCommitter writer) {
        this.dataSource = dataSource;
        this.writer = writer;
    }

    /** Applies {@code change} in the writer's transaction and returns its result once committed. */
    <T> T write(String what, Change<T> change) {
        try {
            return writer.apply(change);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** Like {@link #write}, but without an error translation: for callers that look at the SQL state. */
    <T> T writeOrThrow(Change<T> change) throws SQLException {
        return writer.apply(change);
    }

    /** Queues {@code change}; the stage completes once it is committed. */
    <T> CompletionStage<T> writeLater(Change<T> change) {
        return writer.submit(change);
    }

    /** Work in a transaction of its own that may fail with any exception. */
    @FunctionalInterface
    interface Isolated<T> {
        T apply(Connection c) throws Exception;
    }

    /**
     * Runs {@code work} in a transaction on a connection of its own, outside the writer: for work that holds a row
     * lock while it waits on something else (an OAuth refresh), which must not stall every other write. Commits if
     * {@code work} returns, rolls back if it throws.
     */
    <T> T isolated(Isolated<T> work) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (Exception | Error e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    /** Like {@link #isolated(Isolated)}, with failures reported as what could not be done. */
    <T> T isolated(String what, Isolated<T> work) {
        try {
            return isolated(work);
        } catch (SQLException e) {
            throw failure(what, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} on a pooled connection outside the writer (reads). */
    <T> T read(String what, Change<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    /** The rows of one query, mapped; {@code null} results are left out. */
    <T> List<T> query(String sql, Binder binder, Mapper<T> mapper) {
        return read("query the message database", c -> query(c, sql, binder, mapper));
    }

    static <T> List<T> query(Connection c, String sql, Binder binder, Mapper<T> mapper) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    T t = mapper.map(rs);
                    if (t != null) {
                        out.add(t);
                    }
                }
            }
            return out;
        }
    }

    /** Runs one update statement; returns the row count. */
    static int update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            return ps.executeUpdate();
        }
    }

    /** Runs {@code sql} with {@code ids} in place of its one {@code IN (%s)}, handing on each row. */
    static void forIds(Connection c, String sql, List<String> ids, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql.replace("%s", placeholders(ids.size())))) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        }
    }

    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    static void setText(PreparedStatement ps, int i, String value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, value);
        }
    }

    static void setLong(PreparedStatement ps, int i, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, value);
        }
    }

    static String join(List<String> values) {
        return values == null || values.isEmpty() ? null : String.join(LIST_SEPARATOR, values);
    }

    static List<String> split(String value) {
        return value == null || value.isEmpty() ? List.of() : Arrays.asList(value.split(LIST_SEPARATOR));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if ("23505".equals(x.getSQLState())) {
                return true;
            }
        }
        return e.getCause() instanceof SQLException s && "23505".equals(s.getSQLState());
    }

    static IllegalStateException failure(String what, SQLException e) {
        if (unreachable(e)) {
            return new io.talentats.email.api.StoreUnavailableException("The message database cannot be reached, so "
                    + "this could not be done (" + what + "); nothing was changed. Try again in a moment: "
                    + e.getMessage(), e);
        }
        return new IllegalStateException("Cannot " + what + ": " + e.getMessage(), e);
    }

    /**
     * Whether the database could not be reached at all: a connection error (SQLState class 08) or a pool that
     * waited in vain for a connection, anywhere in the chain.
     */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s) {
                for (SQLException x = s; x != null; x = x.getNextException()) {
                    if (x.getSQLState() != null && x.getSQLState().startsWith("08")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
