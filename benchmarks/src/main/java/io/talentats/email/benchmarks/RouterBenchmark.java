package io.talentats.email.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.Security;
import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.MailConfig;
import io.talentats.email.router.internal.Outbox;
import io.talentats.email.router.internal.RouterConfig;
import io.talentats.email.store.internal.StoreFixture;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.osgi.util.converter.Converters;
import org.simplejavamail.api.mailer.Mailer;
import org.simplejavamail.api.mailer.config.TransportStrategy;
import org.simplejavamail.email.EmailBuilder;
import org.simplejavamail.mailer.MailerBuilder;

/**
 * Pushes messages through the router (durable outbox on: H2 in a file, as in Karaf) to local SMTP servers and
 * prints msgs/s beside raw Angus Mail measured in the same run against the same servers (one connection per message,
 * {@code Transport.send}, and one reused connection) and beside Simple Java Mail's connection pool held to one
 * connection.
 *
 * <pre>
 * benchmarks/mail-servers.sh start
 * java -cp ... io.talentats.email.benchmarks.RouterBenchmark [messages] [starttls-messages]
 * </pre>
 */
public final class RouterBenchmark {

    static final String SINK_HOST = "127.0.0.1";
    static final int SINK_PORT = 2525;
    static final String TLS_HOST = "localhost";
    static final int TLS_PORT = 2587;
    static final Path CERT = Path.of("/tmp/talentats-bench/tls/cert.pem");
    /** Threads submitting to the router at once, as an ATS's request threads would. */
    static final int SUBMITTERS = Integer.getInteger("submitters", 8);
    /**
     * Rounds of the null-sink comparison. This machine is shared and its rates drift by tens of percent from one
     * run to the next, so raw and router are measured back to back in each round (in turn first) and the ratio
     * reported is the median of the rounds'.
     */
    static final int ROUNDS = Integer.getInteger("rounds", 5);

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int tlsN = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        System.out.printf(Locale.ROOT, "Router benchmark: %d messages to smtp-sink %s:%d, %d over STARTTLS to Postfix "
                + "%s:%d; %d cores, Java %s; the router gets its messages from %d submitting threads and delivers "
                + "them over one connection (one sender)%n%n", n, SINK_HOST, SINK_PORT, tlsN, TLS_HOST, TLS_PORT,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), SUBMITTERS);

        // Warm up every path with as many messages as it will be measured with, so the JIT does not count against
        // the first measured one (the router's path through H2 is longer and takes longer to compile than raw Angus's).
        int warmUp = Integer.getInteger("warmup", n);
        // The router's path is warmed up three times over: measured after one warm-up only, its first rounds run
        // while C2 is still compiling it and come out a third slower than its later ones.
        rawPerMessage(SINK_HOST, SINK_PORT, false, Math.min(warmUp, 2000));
        rawReused(SINK_HOST, SINK_PORT, false, warmUp);
        for (int i = 0; i < Integer.getInteger("warmup.rounds", 3); i++) {
            router(new Endpoint(SINK_HOST, SINK_PORT, Security.NONE), warmUp);
        }

        Table t = new Table("server", "how", "messages", "seconds", "msgs/s");
        double sinkPer = rate(t, "smtp-sink", "raw Angus, connection per message", n,
                () -> rawPerMessage(SINK_HOST, SINK_PORT, false, n));
        double[] ratios = new double[ROUNDS];
        double[] poolRatios = new double[ROUNDS];
        double[] routerRates = new double[ROUNDS];
        sjmPool(SINK_HOST, SINK_PORT, warmUp);
        for (int r = 0; r < ROUNDS; r++) {
            String round = " (round " + (r + 1) + ")";
            double reused = 0;
            double pool = 0;
            // the three back to back, each round starting with another one
            for (int k = 0; k < 3; k++) {
                switch ((r + k) % 3) {
                    case 0 -> reused = rate(t, "smtp-sink", "raw Angus, one reused connection" + round, n,
                            () -> rawReused(SINK_HOST, SINK_PORT, false, n));
                    case 1 -> routerRates[r] = timedRate(t, "smtp-sink", "router, durable outbox" + round, n,
                            () -> router(new Endpoint(SINK_HOST, SINK_PORT, Security.NONE), n));
                    default -> pool = rate(t, "smtp-sink", "Simple Java Mail, pool of one connection" + round, n,
                            () -> sjmPool(SINK_HOST, SINK_PORT, n));
                }
            }
            ratios[r] = routerRates[r] / reused;
            poolRatios[r] = routerRates[r] / pool;
        }
        double sinkRouter = median(routerRates);
        double tlsPer = rate(t, "Postfix STARTTLS", "raw Angus, connection per message", tlsN,
                () -> rawPerMessage(TLS_HOST, TLS_PORT, true, tlsN));
        double tlsReused = rate(t, "Postfix STARTTLS", "raw Angus, one reused connection", tlsN,
                () -> rawReused(TLS_HOST, TLS_PORT, true, tlsN));
        double tlsRouter = timedRate(t, "Postfix STARTTLS", "router, durable outbox", tlsN,
                () -> router(new Endpoint(TLS_HOST, TLS_PORT, Security.STARTTLS), tlsN));
        t.print();
        System.out.println();
        System.out.printf(Locale.ROOT, "router / raw reused connection, null sink:   %.2f  (target >= 1.2; median of "
                + "rounds: %s)%n", median(ratios), rounds(ratios));
        System.out.printf(Locale.ROOT, "router / Simple Java Mail pool, null sink:   %.2f  (target >= 1.3; median of "
                + "rounds: %s)%n", median(poolRatios), rounds(poolRatios));
        System.out.printf(Locale.ROOT, "router / raw connection per message, STARTTLS: %.1f  (target >= 10)%n",
                tlsRouter / tlsPer);
        System.out.printf(Locale.ROOT, "(router / raw per message, null sink: %.1f; router / raw reused, STARTTLS: %.2f)%n",
                sinkRouter / sinkPer, tlsRouter / tlsReused);
        System.exit(0);
    }

    static String rounds(double[] ratios) {
        StringBuilder each = new StringBuilder();
        for (double r : ratios) {
            each.append(each.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", r));
        }
        return each.toString();
    }

    interface Run {
        void run() throws Exception;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** A run that times itself: returns the seconds of its measured part. */
    interface TimedRun {
        double run() throws Exception;
    }

    private static double rate(Table t, String server, String how, int n, Run run) throws Exception {
        return timedRate(t, server, how, n, () -> {
            long start = System.nanoTime();
            run.run();
            return (System.nanoTime() - start) / 1e9;
        });
    }

    private static double timedRate(Table t, String server, String how, int n, TimedRun run) throws Exception {
        double seconds = run.run();
        double rate = n / seconds;
        t.row(server, how, n, seconds, rate);
        return rate;
    }

    private static Properties rawProperties(String host, int port, boolean startTls) {
        Properties p = new Properties();
        p.put("mail.smtp.host", host);
        p.put("mail.smtp.port", Integer.toString(port));
        if (startTls) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
            p.put("mail.smtp.ssl.trust", host);
        }
        return p;
    }

    private static MimeMessage message(Session s, int i) throws Exception {
        MimeMessage m = new MimeMessage(s);
        m.setFrom(new InternetAddress("bench1@bench.localhost", "Bench Recruiter"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("candidate@bench.localhost"));
        m.setSubject("Your application, message " + i);
        m.setText(BODY, "UTF-8");
        m.saveChanges();
        return m;
    }

    static void rawPerMessage(String host, int port, boolean startTls, int n) throws Exception {
        Session s = Session.getInstance(rawProperties(host, port, startTls));
        for (int i = 0; i < n; i++) {
            Transport.send(message(s, i));
        }
    }

    static void rawReused(String host, int port, boolean startTls, int n) throws Exception {
        Session s = Session.getInstance(rawProperties(host, port, startTls));
        try (Transport t = s.getTransport("smtp")) {
            t.connect();
            for (int i = 0; i < n; i++) {
                MimeMessage m = message(s, i);
                t.sendMessage(m, m.getAllRecipients());
            }
        }
    }

    /**
     * Simple Java Mail 8 with its SMTP connection pool (batch-module) held to one connection, sending the same
     * message synchronously one after another, as an application using it would.
     */
    static void sjmPool(String host, int port, int n) throws Exception {
        TransportStrategy.SMTP.setOpportunisticTLS(false);
        Mailer mailer = MailerBuilder.withSMTPServer(host, port).withTransportStrategy(TransportStrategy.SMTP)
                .withConnectionPoolCoreSize(1).withConnectionPoolMaxSize(1).buildMailer();
        try {
            for (int i = 0; i < n; i++) {
                mailer.sendMail(EmailBuilder.startingBlank().from("Bench Recruiter", "bench1@bench.localhost")
                        .to("candidate@bench.localhost").withSubject("Your application, message " + i)
                        .withPlainText(BODY).buildEmail());
            }
        } finally {
            mailer.shutdownConnectionPool().get();
        }
    }

    /**
     * Submits {@code n} custom messages from one recruiter and waits until the outbox has sent them all. Returns the
     * seconds from the first submit to the last message sent: creating the database before and closing it after
     * are not delivery, as opening and closing the raw runs' session is not.
     */
    static double router(Endpoint smtp, int n) throws Exception {
        BenchAccount account = new BenchAccount("bench", "bench1@bench.localhost", "bench", smtp,
                new Endpoint("localhost", 3993, Security.SSL_TLS));
        return router(n, account, account, null);
    }

    /**
     * The same for a given recruiter ({@code settings} has user {@code bench}); the vault is {@code vault}, or, when
     * it needs the run's store (OAuth grants live there), what {@code vaultOfStore} makes of it.
     */
    static double router(int n, io.talentats.email.api.AccountSettingsService settings,
            io.talentats.email.runtime.CredentialVault vault,
            java.util.function.Function<StoreFixture, io.talentats.email.runtime.CredentialVault> vaultOfStore)
            throws Exception {
        Path dir = Files.createTempDirectory("talentats-bench-db");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:h2:file:" + dir.resolve("messages") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64");
        hc.setUsername("sa");
        hc.setMaximumPoolSize(10);
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            return deliver(n, java.util.List.of(ds), settings, vault, vaultOfStore, SMTP_IMAP);
        }
    }

    /** How a router reaches the recruiter's mailbox: made from the run's mail sessions, vault and store. */
    interface Access {
        io.talentats.email.mail.MailAccess make(AngusMailSessions sessions,
                io.talentats.email.runtime.CredentialVault vault, StoreFixture store);
    }

    /** Over SMTP (and IMAP), as for every password account. */
    static final Access SMTP_IMAP = (sessions, vault, store) -> new io.talentats.email.mail.internal.SmtpImapAccess(
            sessions, vault, store, java.time.Clock.systemUTC());

    static double deliver(int n, java.util.List<javax.sql.DataSource> nodes,
            io.talentats.email.api.AccountSettingsService settings, io.talentats.email.runtime.CredentialVault vault,
            java.util.function.Function<StoreFixture, io.talentats.email.runtime.CredentialVault> vaultOfStore)
            throws Exception {
        return deliver(n, nodes, settings, vault, vaultOfStore, SMTP_IMAP);
    }

    /**
     * Submits {@code n} custom messages from one recruiter, round-robin to one router per data source (a "node":
     * its own store, writer and outbox, all on the data sources' one database), and waits until they have all been
     * sent. Returns the seconds from the first submit to the last message sent.
     */
    static double deliver(int n, java.util.List<javax.sql.DataSource> nodes,
            io.talentats.email.api.AccountSettingsService settings, io.talentats.email.runtime.CredentialVault vault,
            java.util.function.Function<StoreFixture, io.talentats.email.runtime.CredentialVault> vaultOfStore,
            Access access) throws Exception {
        // Count outcomes from the routers' own events rather than polling the database, which would compete with
        // the outbox for the same two cores.
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        org.osgi.service.event.EventAdmin counter = new org.osgi.service.event.EventAdmin() {
            @Override
            public void postEvent(org.osgi.service.event.Event event) {
                if (event.getTopic().equals(io.talentats.email.api.EmailEvents.MESSAGE_SENT)) {
                    sent.incrementAndGet();
                } else if (event.getTopic().equals(io.talentats.email.api.EmailEvents.MESSAGE_FAILED)) {
                    failed.incrementAndGet();
                }
            }

            @Override
            public void sendEvent(org.osgi.service.event.Event event) {
                postEvent(event);
            }
        };
        Map<String, Object> mailProps = new HashMap<>();
        mailProps.put("trusted.certificates", Files.exists(CERT) ? CERT.toString() : "");
        RouterConfig config = Converters.standardConverter().convert(Map.of()).to(RouterConfig.class);
        java.util.List<StoreFixture> stores = new java.util.ArrayList<>();
        java.util.List<Outbox> outboxes = new java.util.ArrayList<>();
        try {
            for (int k = 0; k < nodes.size(); k++) {
                StoreFixture store = StoreFixture.open(nodes.get(k));
                stores.add(store);
                AngusMailSessions sessions = new AngusMailSessions(
                        Converters.standardConverter().convert(mailProps).to(MailConfig.class));
                io.talentats.email.runtime.CredentialVault credentials = vault != null ? vault
                        : vaultOfStore.apply(store);
                outboxes.add(new Outbox(config, "bench-node-" + k, store, sessions, settings,
                        access.make(sessions, credentials, store), () -> true, io.talentats.email.runtime.Announcer.to(() -> counter), () -> null));
            }
            // Submitted as an ATS does: from several request threads at once (to every node in turn).
            java.util.concurrent.ExecutorService submitters =
                    java.util.concurrent.Executors.newFixedThreadPool(SUBMITTERS);
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            long submitStart = System.nanoTime();
            for (int t = 0; t < SUBMITTERS; t++) {
                submitters.execute(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        try {
                            outboxes.get(i % outboxes.size()).submit(OutboundMessage.builder().senderUserId("bench")
                                    .kind(MessageKind.CUSTOM).to("candidate@bench.localhost")
                                    .subject("Your application, message " + i).textBody(BODY)
                                    .candidateId("c" + (i % 100)).build());
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            e.printStackTrace();
                        }
                    }
                });
            }
            submitters.shutdown();
            submitters.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
            if (Boolean.getBoolean("phases")) {
                System.out.printf(Locale.ROOT, "  submitted %d in %.2f s; %d sent by then%n", n,
                        (System.nanoTime() - submitStart) / 1e9, sent.get());
            }
            while (sent.get() + failed.get() < n) {
                LockSupport.parkNanos(200_000);
            }
            double seconds = (System.nanoTime() - submitStart) / 1e9;
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " messages failed, e.g.: "
                        + stores.get(0).forUser("bench", io.talentats.email.api.PageRequest.first(1)).items().get(0)
                                .failureReason());
            }
            return seconds;
        } finally {
            outboxes.forEach(Outbox::stop);
            stores.forEach(StoreFixture::close);
        }
    }

    static final String BODY = ("Dear candidate,\n\nthank you for your application. We have moved it to the next "
            + "stage and will be in touch about an interview shortly.\n\n").repeat(6) + "Kind regards,\nThe recruiting team\n";
}
