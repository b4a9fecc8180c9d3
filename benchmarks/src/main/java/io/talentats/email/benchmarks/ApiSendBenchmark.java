package io.talentats.email.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;
import io.talentats.email.api.Verification;
import io.talentats.email.providerapi.fakes.FakeMailApis;
import io.talentats.email.providerapi.internal.GraphAccess;
import io.talentats.email.providerapi.internal.ProviderApiConfig;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

import org.osgi.util.converter.Converters;

/**
 * The router sending through Microsoft Graph against sending over SMTP, each to a server that takes the same time to
 * accept a message (the fake Graph delays every request, an in-process SMTP sink its answer to the message's end),
 * in alternating rounds of the same run; the fake counts the requests in flight at once, which Graph caps at 4 per
 * mailbox.
 *
 * <pre>
 * mvn -q -f benchmarks exec:java -Dexec.mainClass=io.talentats.email.benchmarks.ApiSendBenchmark \
 *     -Dexec.args="[messages] [latency-ms] [rounds]"
 * </pre>
 */
public final class ApiSendBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int latency = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.printf(Locale.ROOT, "Sending through Graph against SMTP: %d messages per run, %d ms per message at "
                + "either server, %d rounds; %d cores, Java %s%n%n", n, latency, rounds,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        try (FakeMailApis graph = new FakeMailApis(null, token -> token.equals("bench-token"), "127.0.0.1");
                DelayingSink sink = new DelayingSink(latency)) {
            graph.delayMillis = latency;
            BenchAccount smtpAccount = new BenchAccount("bench", "bench1@bench.localhost", "bench",
                    new Endpoint("127.0.0.1", sink.port(), Security.NONE), new Endpoint("127.0.0.1", 1, Security.NONE));
            CredentialVault graphVault = new CredentialVault() {
                @Override
                public Optional<MailAccount> open(String userId) {
                    return Optional.of(new MailAccount(userId, "bench1@bench.localhost", "bench1@bench.localhost",
                            Secret.of("bench-token"), "Bench Recruiter", null, null, null, false, true, true,
                            Instant.now().plus(Duration.ofHours(1)), Account.GRAPH));
                }

                @Override
                public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {}
            };
            ProviderApiConfig config = Converters.standardConverter().convert(Map.of("graph.url",
                    graph.base().toString())).to(ProviderApiConfig.class);
            RouterBenchmark.Access throughGraph = (sessions, vault, store) -> new GraphAccess(config, sessions, vault,
                    () -> null);
            // Warm up both paths as much as they are measured
            run(n, smtpAccount, smtpAccount, RouterBenchmark.SMTP_IMAP);
            run(n, smtpAccount, graphVault, throughGraph);
            graph.maxInFlight.set(0);
            Table t = new Table("round", "SMTP msg/s", "Graph msg/s", "Graph / SMTP");
            List<Double> ratios = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                // Each round starts with the other path
                double smtp;
                double api;
                if (r % 2 == 1) {
                    smtp = n / run(n, smtpAccount, smtpAccount, RouterBenchmark.SMTP_IMAP);
                    api = n / run(n, smtpAccount, graphVault, throughGraph);
                } else {
                    api = n / run(n, smtpAccount, graphVault, throughGraph);
                    smtp = n / run(n, smtpAccount, smtpAccount, RouterBenchmark.SMTP_IMAP);
                }
                ratios.add(api / smtp);
                t.row(r, smtp, api, api / smtp);
            }
            t.print();
            List<Double> sorted = new ArrayList<>(ratios);
            java.util.Collections.sort(sorted);
            System.out.printf(Locale.ROOT, "Graph / SMTP median of rounds %.2f (target >= 0.9); at most %d requests to "
                    + "the mailbox at once (Graph allows 4); %d messages sent through Graph%n",
                    sorted.get(sorted.size() / 2), graph.maxInFlight.get(), graph.graphSent.size());
        }
    }

    private static double run(int n, BenchAccount settings, CredentialVault vault, RouterBenchmark.Access access)
            throws Exception {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:h2:file:" + Files.createTempDirectory("talentats-bench-api-send").resolve("messages")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64");
        hc.setUsername("sa");
        hc.setMaximumPoolSize(10);
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            return RouterBenchmark.deliver(n, List.of(ds), settings, vault, null, access);
        }
    }

    /** An SMTP server that takes every message and answers its end after a fixed time, as a busy server does. */
    static final class DelayingSink implements AutoCloseable {
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-sink");
            t.setDaemon(true);
            return t;
        });

        DelayingSink(int delayMillis) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            threads.execute(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        threads.execute(() -> converse(s, delayMillis));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static void converse(Socket s, int delayMillis) {
            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.ISO_8859_1)); OutputStream out = s.getOutputStream()) {
                say(out, "220 sink ESMTP");
                boolean data = false;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (data) {
                        if (line.equals(".")) {
                            data = false;
                            LockSupport.parkNanos(Duration.ofMillis(delayMillis).toNanos());
                            say(out, "250 2.0.0 queued");
                        }
                        continue;
                    }
                    String cmd = line.toUpperCase(Locale.ROOT);
                    if (cmd.startsWith("EHLO")) {
                        say(out, "250-sink\r\n250-PIPELINING\r\n250 8BITMIME");
                    } else if (cmd.startsWith("DATA")) {
                        data = true;
                        say(out, "354 go ahead");
                    } else if (cmd.startsWith("QUIT")) {
                        say(out, "221 bye");
                        return;
                    } else {
                        say(out, "250 ok");
                    }
                }
            } catch (IOException e) {
                // the client went
            }
        }

        private static void say(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            server.close();
            threads.shutdownNow();
        }
    }
}
