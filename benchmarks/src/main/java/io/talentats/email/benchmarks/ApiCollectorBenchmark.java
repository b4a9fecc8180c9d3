package io.talentats.email.benchmarks;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Verification;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.MailConfig;
import io.talentats.email.providerapi.fakes.FakeMailApis;
import io.talentats.email.providerapi.internal.GraphAccess;
import io.talentats.email.providerapi.internal.ProviderApiConfig;
import io.talentats.email.replies.internal.CollectorConfig;
import io.talentats.email.replies.internal.WatchEngine;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.internal.StoreFixture;

import org.osgi.util.converter.Converters;

/**
 * Mailboxes read through Microsoft Graph (the fake of provider-apis' tests, one inbox per mailbox, answering at
 * once): how long until all are polled, the collector's threads and heap, the requests each mailbox costs per minute
 * against Graph's limit, and how long a reply takes to be recorded against the poll interval.
 *
 * <pre>
 * mvn -q -f benchmarks exec:java -Dexec.mainClass=io.talentats.email.benchmarks.ApiCollectorBenchmark \
 *     -Dexec.args="[mailboxes] [poll-interval-s] [latency-samples]"
 * </pre>
 */
public final class ApiCollectorBenchmark {

    /** Graph's documented limit: 10,000 requests per 10 minutes for one app and one mailbox. */
    static final double GRAPH_LIMIT_PER_MINUTE = 1000;

    public static void main(String[] args) throws Exception {
        int mailboxes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int interval = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        System.out.printf(Locale.ROOT, "API collector benchmark: %d mailboxes through Microsoft Graph (fake, one inbox "
                + "each), poll every %d s; %d cores, Java %s%n%n", mailboxes, interval,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        Path dir = Files.createTempDirectory("talentats-bench-api");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:h2:file:" + dir.resolve("messages") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        hc.setUsername("sa");
        hc.setMaximumPoolSize(10);
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        try (HikariDataSource ds = new HikariDataSource(hc); FakeMailApis graph = new FakeMailApis(null,
                token -> token.startsWith("bench-token-"), "127.0.0.1")) {
            StoreFixture store = StoreFixture.open(ds);
            run(store, graph, mailboxes, interval, samples);
            store.close();
        }
    }

    static void run(StoreFixture store, FakeMailApis graph, int mailboxes, int interval, int samples)
            throws Exception {
        AngusMailSessions sessions = new AngusMailSessions(Converters.standardConverter().convert(Map.of())
                .to(MailConfig.class));
        CredentialVault vault = new CredentialVault() {
            @Override
            public Optional<MailAccount> open(String userId) {
                return Optional.of(new MailAccount(userId, userId + "@bench.localhost", userId + "@bench.localhost",
                        Secret.of("bench-token-" + userId), userId, null, null, null, null, true, true,
                        Instant.now().plus(Duration.ofHours(1)), Account.GRAPH));
            }

            @Override
            public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {}
        };
        GraphAccess api = new GraphAccess(Converters.standardConverter().convert(Map.of("graph.url",
                graph.base().toString())).to(ProviderApiConfig.class), sessions, vault, () -> null);
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        CollectorConfig config = Converters.standardConverter().convert(Map.of("api.poll.interval.s", interval,
                "workers", 3)).to(CollectorConfig.class);

        System.gc();
        long heapBefore = ReplyBenchmark.usedHeap();
        int threadsBefore = Thread.activeCount();
        WatchEngine engine = new WatchEngine(config, store, api, sessions, (topic, properties) -> {
            if (topic.equals(EmailEvents.REPLY_RECEIVED)) {
                seenAt.put(String.valueOf(properties.get(EmailEvents.USER_ID)), System.nanoTime());
            }
        }, store, ReplyBenchmark.ALWAYS_ON, "bench-node");
        long start = System.nanoTime();
        for (int i = 1; i <= mailboxes; i++) {
            engine.watch("bench" + i, Account.GRAPH);
        }
        ReplyBenchmark.await(() -> engine.watchers().stream().filter(w -> w.mode() == WatcherStatus.Mode.POLL)
                .count() == mailboxes, Duration.ofMinutes(10));
        double polledAfter = (System.nanoTime() - start) / 1e9;

        // Two full poll rounds: the requests every mailbox makes when nothing arrives
        int before = graph.requests.size();
        long window = System.nanoTime();
        LockSupport.parkNanos(Duration.ofSeconds(2L * interval).toNanos());
        double minutes = (System.nanoTime() - window) / 60e9;
        double perMailbox = (graph.requests.size() - before) / minutes / mailboxes;

        // A reply to a random mailbox: from its arrival in the inbox until the collector announces it
        Random random = new Random(42);
        List<Long> latencies = new ArrayList<>();
        for (int s = 0; s < samples; s++) {
            String user = "bench" + (1 + random.nextInt(mailboxes));
            String sent = ReplyBenchmark.outbound(store, user, "cand" + s + "@candidates.test");
            seenAt.remove(user);
            long arrived = System.nanoTime();
            graph.graphReceive("bench-token-" + user, ("From: cand" + s + "@candidates.test\r\nTo: " + user
                    + "@bench.localhost\r\nMessage-ID: <r" + s + "." + System.nanoTime() + "@candidates.test>\r\n"
                    + "In-Reply-To: " + sent + "\r\nSubject: Re: Interview\r\n\r\nYes.\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            ReplyBenchmark.await(() -> seenAt.containsKey(user), Duration.ofSeconds(interval + 30L));
            latencies.add(seenAt.get(user) - arrived);
        }

        System.gc();
        LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        System.gc();
        long heap = ReplyBenchmark.usedHeap() - heapBefore;
        long collector = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("talentats-replies")).count();
        long http = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient")).count();
        Table t = new Table("API mailboxes", "all polled after s", "collector threads", "HTTP client threads",
                "JVM threads added", "heap added MiB", "requests per mailbox per minute");
        t.row(mailboxes, polledAfter, collector, http, Thread.activeCount() - threadsBefore, heap / 1048576.0,
                perMailbox);
        t.print();
        Table l = new Table("reply in the inbox -> REPLY_RECEIVED", "samples", "median s", "max s",
                "poll interval + 1 s");
        l.row("polled through Graph", latencies.size(), ReplyBenchmark.median(latencies) / 1e9,
                latencies.stream().mapToLong(Long::longValue).max().orElse(0) / 1e9, interval + 1);
        l.print();
        System.out.printf(Locale.ROOT, "%d collector threads (target <= 8), %.1f MiB heap for %d API mailboxes "
                + "(target <= 64 MiB), %.1f requests per mailbox per minute (Graph allows %.0f), replies within "
                + "%.1f s (target <= %d s)%n", collector, heap / 1048576.0, mailboxes, perMailbox,
                GRAPH_LIMIT_PER_MINUTE, latencies.stream().mapToLong(Long::longValue).max().orElse(0) / 1e9,
                interval + 1);
        engine.deactivate();
    }
}
