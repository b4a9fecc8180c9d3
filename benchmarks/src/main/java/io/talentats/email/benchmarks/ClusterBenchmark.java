package io.talentats.email.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Security;

/**
 * The outbox on PostgreSQL against the same outbox on H2, and two nodes on one PostgreSQL against one node, all in
 * the same run against the same null SMTP sink (rounds back to back, in turn first; medians reported). Two "nodes"
 * here are two routers with their own stores, writers, pools and outboxes in one JVM on one database: on this
 * 2-core machine that measures what the cluster costs, not how it scales. A fourth row, two nodes "apart" (each in
 * a schema of its own, nothing shared), splits that cost: what two writers of their own on the same cores and
 * database server cost, and what sharing the outbox (claims, leases, the same tables and indexes) adds to it.
 *
 * <pre>
 * benchmarks/mail-servers.sh start     # smtp-sink on 127.0.0.1:2525
 * mvn -q -f benchmarks exec:java -Dexec.mainClass=io.talentats.email.benchmarks.ClusterBenchmark -Dexec.args=5000
 * </pre>
 * A throw-away PostgreSQL is started (and stopped) with {@code bundles/store/postgres.sh}.
 */
public final class ClusterBenchmark {

    static final int ROUNDS = Integer.getInteger("rounds", 3);
    static final int WARMUP = Integer.getInteger("warmup", 2);
    /**
     * With {@code -Dstatements} (and PostgreSQL started with pg_stat_statements, which {@code postgres.sh} does when
     * {@code POSTGRES_OPTIONS="-c shared_preload_libraries=pg_stat_statements"}): each run's statements, most time
     * first, per message.
     */
    static final boolean STATEMENTS = Boolean.getBoolean("statements");

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path state = Path.of("/tmp/talentats-bench/postgres");
        String url = postgres("start", state);
        System.out.printf(Locale.ROOT, "Cluster benchmark: %d messages per run to smtp-sink %s:%d, %d rounds; "
                + "%d cores, Java %s; PostgreSQL at %s%n%n", n, RouterBenchmark.SINK_HOST, RouterBenchmark.SINK_PORT,
                ROUNDS, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), url);
        BenchAccount account = new BenchAccount("bench", "bench1@bench.localhost", "bench",
                new Endpoint(RouterBenchmark.SINK_HOST, RouterBenchmark.SINK_PORT, Security.NONE),
                new Endpoint("localhost", 3993, Security.SSL_TLS));
        try {
            // Warm-up of every path, until the JIT is done: one pass left the CPU per message falling for rounds
            for (int w = 0; w < WARMUP; w++) {
                RouterBenchmark.router(n, account, account, null);
                onPostgres(url, 1, true, n, account);
                onPostgres(url, 2, true, n, account);
                onPostgres(url, 2, false, n, account);
            }

            Table t = new Table("database", "nodes", "messages", "seconds", "msgs/s", "cpu ms/msg", "of it JVM",
                    "PostgreSQL", "idle %", "stolen %", "commits/msg");
            double[] h2 = new double[ROUNDS];
            double[] pg1 = new double[ROUNDS];
            double[] pg2 = new double[ROUNDS];
            double[] apart = new double[ROUNDS];
            double[] cpu1 = new double[ROUNDS];
            double[] cpu2 = new double[ROUNDS];
            double[] cpuApart = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                for (int k = 0; k < 4; k++) {
                    switch ((r + k) % 4) {
                        case 0 -> h2[r] = row(t, "H2 file", "1", n, () -> RouterBenchmark.router(n, account, account,
                                null));
                        case 1 -> {
                            pg1[r] = row(t, "PostgreSQL", "1", n, () -> onPostgres(url, 1, true, n, account));
                            cpu1[r] = lastCpuPerMessage;
                        }
                        case 2 -> {
                            pg2[r] = row(t, "PostgreSQL", "2", n, () -> onPostgres(url, 2, true, n, account));
                            cpu2[r] = lastCpuPerMessage;
                        }
                        default -> {
                            apart[r] = row(t, "PostgreSQL", "2 apart", n, () -> onPostgres(url, 2, false, n,
                                    account));
                            cpuApart[r] = lastCpuPerMessage;
                        }
                    }
                }
            }
            t.print();
            System.out.println();
            System.out.printf(Locale.ROOT, "outbox on PostgreSQL / on H2:           %.2f  (target >= 0.5; rounds %s)%n",
                    RouterBenchmark.median(ratios(pg1, h2)), list(ratios(pg1, h2)));
            System.out.printf(Locale.ROOT, "two nodes / one node, both PostgreSQL:  %.2f  (target >= 0.9; rounds %s)%n",
                    RouterBenchmark.median(ratios(pg2, pg1)), list(ratios(pg2, pg1)));
            System.out.printf(Locale.ROOT, "  of it two nodes at all:               %.2f  (two nodes apart / one node; "
                    + "rounds %s)%n", RouterBenchmark.median(ratios(apart, pg1)), list(ratios(apart, pg1)));
            System.out.printf(Locale.ROOT, "  of it sharing the outbox:             %.2f  (two nodes / two apart; "
                    + "rounds %s)%n", RouterBenchmark.median(ratios(pg2, apart)), list(ratios(pg2, apart)));
            System.out.printf(Locale.ROOT, "CPU per message, two nodes / one node:  %.2f  (rounds %s; apart / one "
                    + "node %.2f)%n", RouterBenchmark.median(ratios(cpu2, cpu1)), list(ratios(cpu2, cpu1)),
                    RouterBenchmark.median(ratios(cpuApart, cpu1)));
        } finally {
            postgres("stop", state);
        }
        System.exit(0);
    }

    /**
     * One run on new schemas of the PostgreSQL server with {@code nodes} routers (each its own pool): sharing one
     * schema (a cluster), or each in a schema of its own ("apart": the same processes and database server, nothing
     * shared, which tells what two nodes on these cores cost from what sharing the outbox costs).
     */
    private static double onPostgres(String url, int nodes, boolean shared, int n, BenchAccount account)
            throws Exception {
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            for (int k = 0; k < (shared ? 1 : nodes); k++) {
                st.execute("CREATE SCHEMA " + schema + "_" + k);
            }
        }
        List<HikariDataSource> pools = new java.util.ArrayList<>();
        if (STATEMENTS) {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                st.execute("SELECT pg_stat_statements_reset()");
            }
        }
        long commitsBefore = commits(url);
        try {
            for (int k = 0; k < nodes; k++) {
                HikariConfig hc = new HikariConfig();
                hc.setJdbcUrl(url + "&currentSchema=" + schema + "_" + (shared ? 0 : k));
                hc.setMaximumPoolSize(10);
                pools.add(new HikariDataSource(hc));
            }
            return RouterBenchmark.deliver(n, List.<DataSource>copyOf(pools), account, account, null);
        } finally {
            pools.forEach(HikariDataSource::close);
            // The closed pools' backends report as they end: read until only the readings' own few commits count
            // (against the tens of thousands measured), 5 s at most
            long after = commits(url);
            long again = Long.MIN_VALUE / 2;
            for (int i = 0; i < 16 && after - again > 8; i++) {
                again = after;
                Thread.sleep(300);
                after = commits(url);
            }
            lastCommitsPerMessage = (after - commitsBefore) / (double) n;
            if (STATEMENTS) {
                statements(url, nodes + (shared ? "" : " apart"), n);
            }
        }
    }

    /** The statements of the last run (reset before it), most time first, per message. */
    private static void statements(String url, String nodes, int n) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT calls, total_exec_time, rows, left(regexp_replace(query, '\\s+', ' ', "
                    + "'g'), 90) FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat%' ORDER BY total_exec_time "
                    + "DESC LIMIT 12");
            System.out.printf(Locale.ROOT, "  statements, %s node(s): calls/msg  exec µs/msg  µs/call  rows/call%n",
                    nodes);
            while (rs.next()) {
                long calls = rs.getLong(1);
                double ms = rs.getDouble(2);
                System.out.printf(Locale.ROOT, "    %8.3f %10.1f %8.1f %8.1f  %s%n", calls / (double) n,
                        ms * 1000 / n, ms * 1000 / Math.max(1, calls), rs.getLong(3) / (double) Math.max(1, calls),
                        rs.getString(4));
            }
        }
    }

    /**
     * Transactions committed in the benchmark's database so far (PostgreSQL's statistics, which a backend reports
     * when it ends or goes idle: the pools are closed before the second reading).
     */
    private static long commits(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_force_next_flush()");
            var rs = st.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Transactions per message of the last run on PostgreSQL; NaN after one on H2. */
    private static double lastCommitsPerMessage = Double.NaN;

    /** Milliseconds of CPU (all cores) per message of the last row. */
    private static double lastCpuPerMessage;

    /** A run that reports its own seconds. */
    interface Run {
        double seconds() throws Exception;
    }

    /**
     * One run as a row: its rate, and the whole machine's CPU over it (this JVM, PostgreSQL, the sink) per message
     * and the share of the cores left idle, from /proc/stat: a slower run with the same CPU per message and idle
     * cores waited on something; one with more CPU per message did more work.
     */
    private static double row(Table t, String db, String nodes, int n, Run run) throws Exception {
        lastCommitsPerMessage = Double.NaN;
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long jvmBefore = os.getProcessCpuTime();
        long[] before = machineCpu();
        long pgBefore = postgresCpu();
        double seconds = run.seconds();
        long[] after = machineCpu();
        double pg = (postgresCpu() - pgBefore) * 10.0 / n;
        double jvm = (os.getProcessCpuTime() - jvmBefore) / 1e6 / n;
        double commits = lastCommitsPerMessage;
        lastCommitsPerMessage = Double.NaN;
        double busy = after[0] - before[0];
        double stolen = after[2] - before[2];
        double all = busy + after[1] - before[1] + stolen;
        double rate = n / seconds;
        lastCpuPerMessage = busy * 10.0 / n;
        t.row(db, nodes, n, seconds, rate, String.format(Locale.ROOT, "%.3f", lastCpuPerMessage),
                String.format(Locale.ROOT, "%.3f", jvm),
                db.equals("PostgreSQL") ? String.format(Locale.ROOT, "%.3f", pg) : "",
                String.format(Locale.ROOT, "%.0f", all == 0 ? 0 : 100 * (all - busy - stolen) / all),
                String.format(Locale.ROOT, "%.0f", all == 0 ? 0 : 100 * stolen / all),
                Double.isNaN(commits) ? "" : String.format(Locale.ROOT, "%.2f", commits));
        return rate;
    }

    /**
     * Clock ticks the PostgreSQL server's processes used so far, ended backends included (their time is added to
     * the postmaster's children's time when it reaps them).
     */
    private static long postgresCpu() throws java.io.IOException {
        long ticks = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, close).startsWith("postgres")) {
                        continue;
                    }
                    String[] f = stat.substring(close + 2).split(" ");
                    // fields 14-17 of proc(5): utime, stime, cutime, cstime (here from field 3, state)
                    for (int i = 11; i <= 14; i++) {
                        ticks += Long.parseLong(f[i]);
                    }
                } catch (java.io.IOException | RuntimeException e) {
                    // the process ended meanwhile
                }
            }
        }
        return ticks;
    }

    /**
     * Busy, idle and stolen clock ticks of all cores since boot (ticks of 10 ms). Stolen time is what the host of a
     * virtual machine gave to others while this one wanted to run: neither this machine's work nor idle.
     */
    private static long[] machineCpu() throws java.io.IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
        long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            total += Long.parseLong(f[i]);
        }
        return new long[] {total - idle - steal, idle, steal};
    }

    private static double[] ratios(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] / b[i];
        }
        return out;
    }

    private static String list(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", d));
        }
        return sb.toString();
    }

    private static String postgres(String command, Path state) throws Exception {
        Process p = new ProcessBuilder("bash", "bundles/store/postgres.sh", command, state.toString()).inheritIO()
                .start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("bundles/store/postgres.sh " + command + " failed (run from the "
                    + "project's root folder)");
        }
        return command.equals("start") ? Files.readString(state.resolve("postgres.url")).trim() : null;
    }
}
