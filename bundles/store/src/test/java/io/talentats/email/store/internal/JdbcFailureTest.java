package io.talentats.email.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

import io.talentats.email.api.StoreUnavailableException;

import org.junit.jupiter.api.Test;

/** A database out of reach is told apart from a failure of ours: StoreUnavailableException, which REST answers 503. */
class JdbcFailureTest {

    @Test
    void aDatabaseOutOfReachIsUnavailableNotAFailure() {
        // HikariCP after connectionTimeout; PostgreSQL's driver when the server refuses or is gone (SQLState 08xxx)
        assertThat(Jdbc.failure("read the message history", new SQLTransientConnectionException(
                "talentats-email - Connection is not available, request timed out after 5000ms.")))
                .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("cannot be reached")
                .hasMessageContaining("nothing was changed");
        assertThat(Jdbc.failure("store the message", new SQLException("Connection to db:5432 refused.", "08001")))
                .isInstanceOf(StoreUnavailableException.class);
        assertThat(Jdbc.failure("store the message", new SQLException("I/O error", "08006",
                new SQLNonTransientConnectionException("closed")))).isInstanceOf(StoreUnavailableException.class);
        SQLException wrapped = new SQLTransientConnectionException("pool", null, new SQLException("x", "08004"));
        assertThat(Jdbc.unreachable(new RuntimeException(wrapped))).isTrue();
        // Anything else stays a failure of ours (a 500 with an incident id)
        assertThat(Jdbc.failure("store the message", new SQLException("duplicate key", "23505")))
                .isNotInstanceOf(StoreUnavailableException.class).hasMessageStartingWith("Cannot store the message");
    }
}
