package io.talentats.email.store.internal;

import java.time.Clock;

import javax.sql.DataSource;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The message database: it owns the DataSource, brings the schema up to date, and runs the one writer
 * ({@link GroupCommitter}) that every part writes through ({@link Jdbc}). One component per contract references it
 * (the outbox, the history, replies, suppressions, account states, watch leases, OAuth grants, shared accounts);
 * SCR deactivates them before this one, so the writer stops only after their last write. Plain SQL that H2 and
 * PostgreSQL both run; every change that must not be half-done is one transaction.
 */
@Component(service = Database.class, configurationPid = StoreConfig.PID, immediate = true)
@Designate(ocd = StoreConfig.class)
public final class Database {

    private final GroupCommitter writer;
    private final Jdbc jdbc;
    private final Clock clock;
    private final boolean shareable;

    @Activate
    public Database(@Reference(name = "dataSource", target = "(dataSourceName=talentats-email)") DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    /** For plain Java (tests, benchmarks), with a clock of the caller's. */
    public Database(DataSource dataSource, Clock clock) {
        Schema.migrate(dataSource);
        this.writer = new GroupCommitter(dataSource);
        this.jdbc = new Jdbc(dataSource, writer);
        this.clock = clock;
        this.shareable = SharedAccountTable.shareable(dataSource);
    }

    Jdbc jdbc() {
        return jdbc;
    }

    Clock clock() {
        return clock;
    }

    /** Whether other nodes can share this database (PostgreSQL, or an H2 server), not an H2 file of this node's. */
    boolean shareable() {
        return shareable;
    }

    /** Lets the writes already accepted commit, then stops the writer. */
    @Deactivate
    public void close() {
        writer.close();
    }
}
