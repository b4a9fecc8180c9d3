package io.talentats.email.store.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database schema up to date with Flyway, from the migrations in {@code db/migration} of this bundle.
 * The few types that differ between H2 and PostgreSQL are Flyway placeholders.
 */
final class Schema {

    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    /** The longest body, in characters ({@link Columns#TEXT}). */
    static final int MAX_TEXT = Columns.TEXT;

    private Schema() {}

    static void migrate(DataSource dataSource) {
        MigrateResult result = configure(dataSource).load().migrate();
        LOG.info("Message database at schema version {} ({} migrations applied now)",
                result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
                result.migrationsExecuted);
    }

    /** Flyway set up for this database: our migrations, our history table, the types for its product. */
    static FluentConfiguration configure(DataSource dataSource) {
        String product;
        try (Connection c = dataSource.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot connect to the message database: " + e.getMessage(), e);
        }
        boolean postgres = product.toLowerCase(Locale.ROOT).contains("postgres");
        ClassLoader loader = Schema.class.getClassLoader();
        return Flyway.configure(loader)
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .table("email_schema_history")
                .placeholders(Map.of(
                        // H2 keeps a CLOB in a separate LOB store, which costs every insert; bodies are bounded
                        // (MAX_TEXT) so a VARCHAR holds them.
                        "text_type", postgres ? "TEXT" : "VARCHAR(" + MAX_TEXT + ")",
                        "blob_type", postgres ? "BYTEA" : "BLOB"));
    }
}
