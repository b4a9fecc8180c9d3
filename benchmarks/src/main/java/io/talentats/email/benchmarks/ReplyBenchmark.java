package io.talentats.email.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.talentats.email.api.Connectivity;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;
import io.talentats.email.api.Security;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.MailConfig;
import io.talentats.email.replies.internal.CollectorConfig;
import io.talentats.email.replies.internal.WatchEngine;
import io.talentats.email.api.MessageContent;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.OutboundMail;
import io.talentats.email.store.internal.StoreFixture;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.osgi.service.event.Event;
import org.osgi.util.converter.Converters;

/**
 * Measures the reply collector against a local Dovecot, beside raw Angus Mail in the same run:
 * (a) ingestion (correlate and store) of a mailbox of N messages, some of them replies, against a raw FetchProfile
 * header fetch of the same mailbox; (b) time from a message's delivery to our REPLY_RECEIVED event with IDLE, against
 * a raw Angus IDLE client's notification; (c) threads and heap for watching many mailboxes.
 *
 * <pre>
 * benchmarks/mail-servers.sh start
 * java -cp ... io.talentats.email.benchmarks.ReplyBenchmark [messages] [latency-samples] [mailboxes]
 * </pre>
 */
public final class ReplyBenchmark {

    static final Endpoint IMAP = new Endpoint("localhost", 4143, Security.STARTTLS);

    /** Email connectivity switched on, for good. */
    static final Connectivity ALWAYS_ON = new Connectivity() {
        @Override
        public boolean isEnabled() {
            return true;
        }

        @Override
        public void setEnabled(boolean enabled) {}
    };
    static final Path CERT = Path.of("/tmp/talentats-bench/tls/cert.pem");

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int mailboxes = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        System.out.printf(Locale.ROOT, "Reply collector benchmark against Dovecot %s:%d (STARTTLS); %d cores, Java %s%n%n",
                IMAP.host(), IMAP.port(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        Path dir = Files.createTempDirectory("talentats-bench-replies");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:h2:file:" + dir.resolve("messages") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;QUERY_CACHE_SIZE=64");
        hc.setUsername("sa");
        hc.setMaximumPoolSize(10);
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            DATA_SOURCE = ds;
            StoreFixture store = StoreFixture.open(ds);
            AngusMailSessions sessions = new AngusMailSessions(Converters.standardConverter()
                    .convert(Map.of("trusted.certificates", CERT.toString())).to(MailConfig.class));
            // -Donly=footprint (or ingestion, latency) runs one part: the 10 000-mailbox footprint run alone, say
            String only = System.getProperty("only", "");
            if (only.isEmpty() || only.equals("ingestion")) {
                ingestion(store, sessions, n);
            }
            if (only.isEmpty() || only.equals("latency")) {
                latency(store, sessions, samples);
            }
            if (only.isEmpty() || only.equals("footprint")) {
                footprint(store, sessions, mailboxes);
            }
            store.close();
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------- (a) ingestion

    static void ingestion(StoreFixture store, AngusMailSessions sessions, int n) throws Exception {
        int replies = n / 20;
        // The same mailbox twice: the first run of each side warms the JIT up, the second is measured.
        for (String user : List.of("bench5", "bench1")) {
            clear(user);
            List<String> ours = new ArrayList<>();
            for (int i = 0; i < replies; i++) {
                ours.add(outbound(store, user, "cand" + i + "@candidates.test"));
            }
            fill(user, n, ours);
        }
        raw("bench5");
        ingest(store, sessions, "bench5", replies);
        // Five rounds, alternating; the medians are compared (a single second-long run is too noisy here).
        List<Long> rawRuns = new ArrayList<>();
        List<Long> ourRuns = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            rawRuns.add(raw("bench1"));
            forget(store, "bench1");
            ourRuns.add(ingest(store, sessions, "bench1", replies));
        }
        long rawNanos = median(rawRuns);
        long oursNanos = median(ourRuns);

        Table t = new Table("how", "messages", "replies", "seconds", "messages/s");
        double rawRate = n / (rawNanos / 1e9);
        double ourRate = n / (oursNanos / 1e9);
        t.row("raw Angus: connect, FetchProfile (envelope, UID, References), median of 5", n, 0, rawNanos / 1e9,
                rawRate);
        t.row("collector: connect, fetch, correlate, read replies, store, median of 5", n, replies, oursNanos / 1e9,
                ourRate);
        t.print();
        System.out.printf(Locale.ROOT, "(a) ingestion / raw header fetch: %.2f  (target >= 0.70)%n%n", ourRate / rawRate);
    }

    /** Forgets what the collector recorded of a mailbox, so the next run reads it from the start again. */
    static void forget(StoreFixture store, String user) throws Exception {
        try (java.sql.Connection c = DATA_SOURCE.getConnection()) {
            for (String sql : List.of("DELETE FROM email_message WHERE user_id = ? AND direction = 'INBOUND'",
                    "DELETE FROM email_mailbox_checkpoint WHERE user_id = ?")) {
                try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, user);
                    ps.executeUpdate();
                }
            }
        }
    }

    static javax.sql.DataSource DATA_SOURCE;

    /** Watches a full mailbox and waits until every reply in it is announced and the watcher is in IDLE. */
    static long ingest(StoreFixture store, AngusMailSessions sessions, String user, int replies) throws Exception {
        AtomicInteger announced = new AtomicInteger();
        WatchEngine engine = engine(store, sessions, true, 3, e -> announced.incrementAndGet());
        long start = System.nanoTime();
        engine.watch(user);
        await(() -> announced.get() >= replies && idle(engine, user), Duration.ofMinutes(5));
        long nanos = System.nanoTime() - start;
        engine.deactivate();
        return nanos;
    }

    /** Raw Angus, as a mail client reads a mailbox's headers: connect, open, one FetchProfile for all. */
    static long raw(String user) throws Exception {
        long start = System.nanoTime();
        Store s = rawSession(false).getStore("imap");
        s.connect(IMAP.host(), IMAP.port(), user, "bench");
        Folder f = s.getFolder("INBOX");
        f.open(Folder.READ_ONLY);
        Message[] all = f.getMessages();
        FetchProfile fp = new FetchProfile();
        fp.add(UIDFolder.FetchProfileItem.UID);
        fp.add(FetchProfile.Item.ENVELOPE);
        fp.add("References");
        f.fetch(all, fp);
        for (Message m : all) {
            ((MimeMessage) m).getMessageID();
        }
        long nanos = System.nanoTime() - start;
        f.close(false);
        s.close();
        return nanos;
    }

    // ---------------------------------------------------------------- (b) latency

    static void latency(StoreFixture store, AngusMailSessions sessions, int samples) throws Exception {
        String ourUser = "bench2";
        String rawUser = "bench3";
        clear(ourUser);
        clear(rawUser);
        String ourId = outbound(store, ourUser, "latency@candidates.test");
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        WatchEngine engine = engine(store, sessions, true, 3, e -> seenAt.put("ours", System.nanoTime()));
        engine.watch(ourUser);
        await(() -> idle(engine, ourUser), Duration.ofMinutes(1));

        Store rawStore = rawSession(false).getStore("imap");
        rawStore.connect(IMAP.host(), IMAP.port(), rawUser, "bench");
        IMAPFolder rawFolder = (IMAPFolder) rawStore.getFolder("INBOX");
        rawFolder.open(Folder.READ_ONLY);
        rawFolder.addMessageCountListener(new MessageCountAdapter() {
            @Override
            public void messagesAdded(MessageCountEvent e) {
                seenAt.put("raw", System.nanoTime());
            }
        });
        Thread idler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    rawFolder.idle();
                } catch (Exception e) {
                    return;
                }
            }
        }, "raw-idle");
        idler.setDaemon(true);
        idler.start();

        Store appender = rawSession(false).getStore("imap");
        appender.connect(IMAP.host(), IMAP.port(), "bench4", "bench");
        List<Long> ours = new ArrayList<>();
        List<Long> raw = new ArrayList<>();
        for (int i = 0; i < samples + 2; i++) {
            seenAt.clear();
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            Folder ourInbox = appender.getFolder("INBOX"); // appends go to the other users' folders below
            long t0 = append(appender, ourUser, reply(i, ourId));
            long t1 = append(appender, rawUser, reply(i, "<unrelated" + i + "@x>"));
            await(() -> seenAt.containsKey("ours") && seenAt.containsKey("raw"), Duration.ofSeconds(10));
            if (i >= 2) { // the first two warm up
                ours.add(seenAt.get("ours") - t0);
                raw.add(seenAt.get("raw") - t1);
            }
            ourInbox.getName();
        }
        idler.interrupt();
        rawFolder.close(false);
        rawStore.close();
        appender.close();
        engine.deactivate();
        long ourMedian = median(ours);
        long rawMedian = median(raw);
        Table t = new Table("how", "samples", "median ms", "p90 ms");
        t.row("raw Angus IDLE: append -> messagesAdded", raw.size(), rawMedian / 1e6, p90(raw) / 1e6);
        t.row("collector: append -> REPLY_RECEIVED (read, correlated, stored)", ours.size(), ourMedian / 1e6,
                p90(ours) / 1e6);
        t.print();
        System.out.printf(Locale.ROOT, "(b) collector median - raw median: %.0f ms  (target <= 100 ms)%n%n",
                (ourMedian - rawMedian) / 1e6);
    }

    /** Appends to another user's INBOX through Dovecot's shared-nothing setup: each user logs in for itself. */
    static long append(Store unused, String user, MimeMessage m) throws Exception {
        Store s = rawSession(false).getStore("imap");
        s.connect(IMAP.host(), IMAP.port(), user, "bench");
        Folder f = s.getFolder("INBOX");
        f.appendMessages(new Message[] {m});
        long t = System.nanoTime();
        s.close();
        return t;
    }

    // ---------------------------------------------------------------- (c) footprint

    static void footprint(StoreFixture store, AngusMailSessions sessions, int mailboxes) throws Exception {
        System.gc();
        long heapBefore = usedHeap();
        int threadsBefore = Thread.activeCount();
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        WatchEngine engine = engine(store, sessions, true, 3,
                e -> seenAt.put(String.valueOf(e.getProperty(EmailEvents.USER_ID)), System.nanoTime()));
        // The reply latency with one mailbox watched, then with all of them: the same engine, the same run
        engine.watch("bench1");
        await(() -> idle(engine, "bench1"), Duration.ofMinutes(1));
        List<Long> alone = replyLatencies(store, engine, seenAt, 1, 12);
        long start = System.nanoTime();
        for (int i = 2; i <= mailboxes; i++) {
            engine.watch("bench" + i);
        }
        await(() -> engine.watchers().stream().filter(w -> w.mode() == WatcherStatus.Mode.IDLE).count() == mailboxes,
                Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> among = replyLatencies(store, engine, seenAt, mailboxes, 12);
        System.gc();
        LockSupport.parkNanos(Duration.ofMillis(500).toNanos());
        System.gc();
        long heapAfter = usedHeap();
        if (Boolean.getBoolean("histo")) {
            // -Dhisto=true: what the heap holds now, the largest classes first (jcmd of the running JDK)
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(ProcessHandle.current().pid()), "GC.class_histogram").redirectErrorStream(true)
                    .start();
            try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).lines()) {
                lines.limit(40).forEach(System.out::println);
            }
        }
        long ours = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("talentats-replies")).count();
        int threadsAfter = Thread.activeCount();
        long sockets = sockets();
        Table t = new Table("watched mailboxes", "all in IDLE after s", "collector threads", "JVM threads added",
                "sockets held by the JVM", "heap added MiB", "heap per mailbox KiB");
        t.row(mailboxes, seconds, ours, threadsAfter - threadsBefore, sockets, (heapAfter - heapBefore) / 1048576.0,
                (heapAfter - heapBefore) / 1024.0 / mailboxes);
        t.print();
        System.out.printf(Locale.ROOT, "(c) %d collector threads (target <= 8), %.1f MiB heap for %d watchers "
                + "(target <= %d MiB)%n", ours, (heapAfter - heapBefore) / 1048576.0, mailboxes,
                mailboxes <= 1000 ? 64 : 320);
        Table l = new Table("reply to a random watched mailbox: append -> REPLY_RECEIVED", "samples", "median ms",
                "p90 ms");
        l.row("one mailbox watched", alone.size(), median(alone) / 1e6, p90(alone) / 1e6);
        l.row(mailboxes + " mailboxes watched", among.size(), median(among) / 1e6, p90(among) / 1e6);
        l.print();
        System.out.printf(Locale.ROOT, "(c) reply latency with %d watched: %+.0f ms against one (target <= +100 ms)%n",
                mailboxes, (median(among) - median(alone)) / 1e6);
        engine.deactivate();
    }

    /**
     * Appends a reply to one of ours into the INBOX of a random one of the first {@code watched} bench users and
     * times it until the collector announces it; the first two samples warm up.
     */
    static List<Long> replyLatencies(StoreFixture store, WatchEngine engine, Map<String, Long> seenAt, int watched,
            int samples) throws Exception {
        java.util.Random random = new java.util.Random(42);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < samples + 2; i++) {
            String user = "bench" + (1 + random.nextInt(watched));
            String ourId = outbound(store, user, "latency" + i + "@candidates.test");
            seenAt.remove(user);
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            long t0 = append(null, user, reply(i, ourId));
            await(() -> seenAt.containsKey(user), Duration.ofSeconds(20));
            if (i >= 2) {
                out.add(seenAt.get(user) - t0);
            }
        }
        return out;
    }

    /** The sockets this JVM holds open now (Linux: its file descriptors that are sockets). */
    static long sockets() {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (java.io.IOException e) {
                    return false;
                }
            }).count();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- plumbing

    interface Counter {
        void event(Event e);
    }

    static WatchEngine engine(StoreFixture store, AngusMailSessions sessions, boolean idle, int workers,
            Counter counter) throws Exception {
        Map<String, Object> c = new HashMap<>();
        c.put("idle", idle);
        c.put("workers", workers);
        CollectorConfig config = Converters.standardConverter().convert(c).to(CollectorConfig.class);
        io.talentats.email.runtime.Announcer announcer = (topic, properties) -> {
            if (topic.equals(EmailEvents.REPLY_RECEIVED)) {
                counter.event(new Event(topic, properties));
            }
        };
        WatchEngine engine = new WatchEngine(config, store,
                new io.talentats.email.mail.internal.SmtpImapAccess(sessions, new BenchVault(IMAP), store, java.time.Clock.systemUTC()),
                sessions, announcer, store, ALWAYS_ON, "bench-node");
        return engine;
    }

    static boolean idle(WatchEngine engine, String user) {
        return engine.watchers().stream().anyMatch(w -> w.userId().equals(user) && w.mode() == WatcherStatus.Mode.IDLE);
    }

    static String outbound(StoreFixture store, String user, String to) {
        String token = Long.toString(System.nanoTime(), 32) + "x" + Integer.toString((int) (Math.random() * 1e6), 32);
        String messageId = "<" + token + ".t@bench.localhost>";
        MessageContent content = new MessageContent(List.of(to), List.of(), "Interview", "Hello", null, List.of(),
                "c-" + to, null, "thread-" + to);
        store.enqueue(new NewOutbound(new OutboundMail(user, MessageKind.CUSTOM, "Bench", BenchVault.address(user),
                content, null, token, messageId, null, null), Route.USER_SMTP, "bench", MessageStatus.QUEUED));
        return messageId;
    }

    static MimeMessage reply(int i, String inReplyTo) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress("cand" + i + "@candidates.test"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("recruiter@bench.localhost"));
        m.setSubject("Re: Interview " + i);
        m.setSentDate(new Date());
        m.setHeader("In-Reply-To", inReplyTo);
        m.setText("Thanks, Tuesday works.\n\nOn Monday you wrote:\n> Hello\n");
        m.saveChanges();
        return m;
    }

    /** Fills the user's INBOX with n messages; every 20th replies to one of ours, the rest is other mail. */
    static void fill(String user, int n, List<String> ours) throws Exception {
        Store s = rawSession(false).getStore("imap");
        s.connect(IMAP.host(), IMAP.port(), user, "bench");
        Folder f = s.getFolder("INBOX");
        List<Message> chunk = new ArrayList<>();
        int r = 0;
        for (int i = 0; i < n; i++) {
            MimeMessage m;
            if (i % 20 == 0 && r < ours.size()) {
                m = reply(r, ours.get(r));
                m.setFrom(new InternetAddress("cand" + r + "@candidates.test"));
                r++;
            } else {
                m = new MimeMessage(Session.getInstance(new Properties()));
                m.setFrom(new InternetAddress("someone" + i + "@elsewhere.test"));
                m.setRecipient(Message.RecipientType.TO, new InternetAddress("recruiter@bench.localhost"));
                m.setSubject("Newsletter " + i);
                m.setText("Other mail " + i);
                m.saveChanges();
            }
            chunk.add(m);
            if (chunk.size() == 250) {
                f.appendMessages(chunk.toArray(new Message[0]));
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            f.appendMessages(chunk.toArray(new Message[0]));
        }
        s.close();
    }

    static void clear(String user) throws Exception {
        Store s = rawSession(false).getStore("imap");
        s.connect(IMAP.host(), IMAP.port(), user, "bench");
        Folder f = s.getFolder("INBOX");
        f.open(Folder.READ_WRITE);
        Message[] all = f.getMessages();
        if (all.length > 0) {
            f.setFlags(all, new Flags(Flags.Flag.DELETED), true);
        }
        f.close(true);
        s.close();
    }

    static Session rawSession(boolean debug) {
        Properties p = new Properties();
        p.put("mail.imap.starttls.enable", "true");
        p.put("mail.imap.starttls.required", "true");
        p.put("mail.imap.ssl.trust", IMAP.host());
        p.put("mail.debug", Boolean.toString(debug));
        return Session.getInstance(p);
    }

    static void await(java.util.function.BooleanSupplier condition, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting after " + max);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    static long usedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static long median(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static long p90(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.9) - 1));
    }
}
