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
 * 2-core machine that measures what the cluster costs (claims, leases, the shared database), not how it scales.
 *
 * <pre>
 * benchmarks/mail-servers.sh start     # smtp-sink on 127.0.0.1:2525
 * mvn -q -f benchmarks exec:java -Dexec.mainClass=io.talentats.email.benchmarks.ClusterBenchmark -Dexec.args=5000
 * </pre>
 * A throw-away PostgreSQL is started (and stopped) with {@code bundles/store/postgres.sh}.
 */
public final class ClusterBenchmark {

    static final int ROUNDS = Integer.getInteger("rounds", 3);

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        Path state = Path.of("/tmp/talentats-bench/postgres");
        String url = postgres("start", state);
        System.out.printf(Locale.ROOT, "Cluster benchmark: %d messages per run to smtp-sink %s:%d, %d rounds; %d cores, "
                + "Java %s; PostgreSQL at %s%n%n", n, RouterBenchmark.SINK_HOST, RouterBenchmark.SINK_PORT, ROUNDS,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), url);
        BenchAccount account = new BenchAccount("bench", "bench1@bench.localhost", "bench",
                new Endpoint(RouterBenchmark.SINK_HOST, RouterBenchmark.SINK_PORT, Security.NONE),
                new Endpoint("localhost", 3993, Security.SSL_TLS));
        try {
            // Warm-up of every path
            RouterBenchmark.router(n, account, account, null);
            onPostgres(url, 1, n, account);
            onPostgres(url, 2, n, account);

            Table t = new Table("database", "nodes", "messages", "seconds", "msgs/s");
            double[] h2 = new double[ROUNDS];
            double[] pg1 = new double[ROUNDS];
            double[] pg2 = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                for (int k = 0; k < 3; k++) {
                    switch ((r + k) % 3) {
                        case 0 -> h2[r] = row(t, "H2 file", 1, n, RouterBenchmark.router(n, account, account, null));
                        case 1 -> pg1[r] = row(t, "PostgreSQL", 1, n, onPostgres(url, 1, n, account));
                        default -> pg2[r] = row(t, "PostgreSQL", 2, n, onPostgres(url, 2, n, account));
                    }
                }
            }
            t.print();
            System.out.println();
            System.out.printf(Locale.ROOT, "outbox on PostgreSQL / on H2:           %.2f  (target >= 0.5; rounds %s)%n",
                    RouterBenchmark.median(ratios(pg1, h2)), list(ratios(pg1, h2)));
            System.out.printf(Locale.ROOT, "two nodes / one node, both PostgreSQL:  %.2f  (target >= 0.9; rounds %s)%n",
                    RouterBenchmark.median(ratios(pg2, pg1)), list(ratios(pg2, pg1)));
        } finally {
            postgres("stop", state);
        }
        System.exit(0);
    }

    /** One run on a new schema of the PostgreSQL server, with {@code nodes} routers (each its own pool) on it. */
    private static double onPostgres(String url, int nodes, int n, BenchAccount account) throws Exception {
        String schema = "bench_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        }
        List<HikariDataSource> pools = new java.util.ArrayList<>();
        try {
            for (int k = 0; k < nodes; k++) {
                HikariConfig hc = new HikariConfig();
                hc.setJdbcUrl(url + "&currentSchema=" + schema);
                hc.setMaximumPoolSize(10);
                pools.add(new HikariDataSource(hc));
            }
            return RouterBenchmark.deliver(n, List.<DataSource>copyOf(pools), account, account, null);
        } finally {
            pools.forEach(HikariDataSource::close);
        }
    }

    private static double row(Table t, String db, int nodes, int n, double seconds) {
        double rate = n / seconds;
        t.row(db, nodes, n, seconds, rate);
        return rate;
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
