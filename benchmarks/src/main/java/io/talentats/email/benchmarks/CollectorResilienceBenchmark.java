package io.talentats.email.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.MailConfig;
import io.talentats.email.replies.internal.WatchEngine;
import io.talentats.email.store.internal.StoreFixture;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;

import org.osgi.util.converter.Converters;

/**
 * The reply collector when Dovecot drops it, and on a long mailbox, beside what the same run measures on a
 * connection that stays up and on an empty mailbox:
 * (d) time from killing the Dovecot process that serves the watched connection to the next reply recorded, against
 * the append-to-recorded time on a live connection; (e) the first connect to a mailbox of 100,000 messages against
 * the first connect to an empty one, with the messages Dovecot says it fetched (its logout line).
 *
 * <pre>
 * benchmarks/mail-servers.sh start
 * mvn -q -f benchmarks exec:java -Dexec.mainClass=io.talentats.email.benchmarks.CollectorResilienceBenchmark
 * </pre>
 */
public final class CollectorResilienceBenchmark {

    static final Path DOVECOT_LOG = Path.of("/tmp/talentats-bench/dovecot/dovecot.log");

    public static void main(String[] args) throws Exception {
        int drops = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int history = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        System.out.printf(Locale.ROOT, "Collector resilience against Dovecot %s:%d; %d cores, Java %s%n%n",
                ReplyBenchmark.IMAP.host(), ReplyBenchmark.IMAP.port(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"));
        Path dir = Files.createTempDirectory("talentats-bench-resilience");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:h2:file:" + dir.resolve("messages") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        hc.setUsername("sa");
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            ReplyBenchmark.DATA_SOURCE = ds;
            StoreFixture store = StoreFixture.open(ds);
            AngusMailSessions sessions = new AngusMailSessions(Converters.standardConverter()
                    .convert(Map.of("trusted.certificates", ReplyBenchmark.CERT.toString())).to(MailConfig.class));
            if (drops > 0) {
                drops(store, sessions, drops);
            }
            firstConnect(store, sessions, history);
            store.close();
        }
        System.exit(0);
    }

    // ---------------------------------------------------------------- (d) drop -> next reply

    static void drops(StoreFixture store, AngusMailSessions sessions, int samples) throws Exception {
        String user = "bench6";
        ReplyBenchmark.clear(user);
        String ours = ReplyBenchmark.outbound(store, user, "drop@candidates.test");
        Map<String, Long> seenAt = new ConcurrentHashMap<>();
        WatchEngine engine = ReplyBenchmark.engine(store, sessions, true, 3, e -> seenAt.put("reply", System.nanoTime()));
        engine.watch(user);
        ReplyBenchmark.await(() -> ReplyBenchmark.idle(engine, user), Duration.ofMinutes(1));
        List<Long> live = new ArrayList<>();
        List<Long> afterDrop = new ArrayList<>();
        for (int i = 0; i < samples + 2; i++) {
            // On a live connection: append -> recorded.
            seenAt.clear();
            long t0 = ReplyBenchmark.append(null, user, ReplyBenchmark.reply(1000 + i, ours));
            ReplyBenchmark.await(() -> seenAt.containsKey("reply"), Duration.ofSeconds(10));
            long liveNanos = seenAt.get("reply") - t0;
            // Dovecot's process for the watched connection is killed; a reply arrives right after.
            seenAt.clear();
            ReplyBenchmark.await(() -> processes("imap \\[" + user + " .*IDLE\\]") > 0, Duration.ofSeconds(10));
            long killedAt = System.nanoTime();
            Process kill = new ProcessBuilder("pkill", "-KILL", "-f", "imap \\[" + user + " ").inheritIO().start();
            kill.waitFor();
            ReplyBenchmark.append(null, user, ReplyBenchmark.reply(2000 + i, ours));
            ReplyBenchmark.await(() -> seenAt.containsKey("reply"), Duration.ofSeconds(30));
            long dropNanos = seenAt.get("reply") - killedAt;
            if (i >= 2) {
                live.add(liveNanos);
                afterDrop.add(dropNanos);
            }
            ReplyBenchmark.await(() -> ReplyBenchmark.idle(engine, user), Duration.ofSeconds(30));
        }
        engine.deactivate();
        Table t = new Table("how", "samples", "median ms", "p90 ms");
        t.row("live connection: append -> REPLY_RECEIVED", live.size(), ReplyBenchmark.median(live) / 1e6,
                ReplyBenchmark.p90(live) / 1e6);
        t.row("Dovecot process killed -> next reply recorded", afterDrop.size(),
                ReplyBenchmark.median(afterDrop) / 1e6, ReplyBenchmark.p90(afterDrop) / 1e6);
        t.print();
        System.out.printf(Locale.ROOT, "(d) drop -> next reply, median %.0f ms  (target <= first backoff 500 ms + "
                + "1 s = 1500 ms)%n%n", ReplyBenchmark.median(afterDrop) / 1e6);
    }

    /** How many processes' command lines match {@code pattern}. */
    static int processes(String pattern) {
        try {
            Process p = new ProcessBuilder("pgrep", "-c", "-f", pattern).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out.isEmpty() ? 0 : Integer.parseInt(out);
        } catch (Exception e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- (e) first connect, long history

    static void firstConnect(StoreFixture store, AngusMailSessions sessions, int history) throws Exception {
        String big = "bench7";
        String empty = "bench8";
        String today = "bench9";
        int bigCount = ensureMessages(big, history, Duration.ofDays(30));
        // Mail that arrived earlier on the day of connecting: SEARCH SINCE (a day) finds all of it.
        java.time.ZonedDateTime now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
        Duration sinceMidnight = Duration.between(now.toLocalDate().atStartOfDay(now.getZone()), now);
        ReplyBenchmark.clear(today);
        ensureMessages(today, SAME_DAY, sinceMidnight.dividedBy(2));
        ReplyBenchmark.clear(empty);
        Table t = new Table("mailbox", "messages", "first connect to IDLE ms", "Dovecot: headers fetched",
                "bodies fetched", "bytes sent to us");
        for (int round = 0; round < 2; round++) { // the first round warms up
            for (String user : List.of(empty, big, today)) {
                ReplyBenchmark.forget(store, user);
                ReplyBenchmark.outbound(store, user, "first@candidates.test");
                WatchEngine engine = ReplyBenchmark.engine(store, sessions, true, 3, e -> { });
                long start = System.nanoTime();
                engine.watch(user);
                ReplyBenchmark.await(() -> ReplyBenchmark.idle(engine, user), Duration.ofMinutes(5));
                long millis = (System.nanoTime() - start) / 1_000_000;
                long logSize = Files.size(DOVECOT_LOG);
                engine.deactivate();
                Logout l = awaitLogout(user, logSize);
                if (round == 1) {
                    t.row(user.equals(big) ? "long history, 30 days old" : user.equals(today)
                            ? "earlier the same day" : "empty", user.equals(big) ? bigCount : user.equals(today)
                                    ? SAME_DAY : 0, millis, l.headers(), l.bodies(), l.out());
                }
            }
        }
        t.print();
        System.out.println("(e) first connect: target <= 2000 ms for 100,000 messages, and no old message fetched;");
        System.out.println("    for 20,000 of the same day <= 2000 ms and <= 64 KiB sent to us (an empty mailbox's "
                + "within noise)");
        System.out.println();
    }

    record Logout(long headers, long bodies, long out) {}

    private static final Pattern LOGOUT = Pattern.compile("out=(\\d+).*hdr_count=(\\d+).*body_count=(\\d+)");

    /** Dovecot's logout line for {@code user}'s watched connection, written after {@code offset} in its log. */
    static Logout awaitLogout(String user, long offset) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Logout worst = null;
        while (System.nanoTime() < deadline) {
            byte[] all = Files.readAllBytes(DOVECOT_LOG);
            String tail = new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
                    java.nio.charset.StandardCharsets.UTF_8);
            for (String line : tail.split("\n")) {
                if (line.contains("imap(" + user + ")") && line.contains("Logged out")) {
                    Matcher m = LOGOUT.matcher(line);
                    if (m.find()) {
                        Logout l = new Logout(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                                Long.parseLong(m.group(1)));
                        worst = worst == null || l.out() > worst.out() ? l : worst;
                    }
                }
            }
            if (worst != null) {
                return worst;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);
        }
        return new Logout(-1, -1, -1);
    }

    /** Messages in the mailbox that received them earlier on the day of connecting. */
    static final int SAME_DAY = 20_000;

    /**
     * Tops the user's INBOX up to {@code n} messages that arrived {@code ago} (kept between runs: Dovecot's
     * maildir survives them).
     */
    static int ensureMessages(String user, int n, Duration ago) throws Exception {
        Store s = ReplyBenchmark.rawSession(false).getStore("imap");
        s.connect(ReplyBenchmark.IMAP.host(), ReplyBenchmark.IMAP.port(), user, "bench");
        Folder f = s.getFolder("INBOX");
        f.open(Folder.READ_ONLY);
        int have = f.getMessageCount();
        f.close(false);
        s.close();
        if (have >= n) {
            return have;
        }
        System.out.printf(Locale.ROOT, "Filling %s with %d messages (once; kept for later runs)...%n", user, n - have);
        s = ReplyBenchmark.rawSession(false).getStore("imap");
        s.connect(ReplyBenchmark.IMAP.host(), ReplyBenchmark.IMAP.port(), user, "bench");
        f = s.getFolder("INBOX");
        List<Message> chunk = new ArrayList<>();
        // APPEND keeps the sent date as INTERNALDATE.
        java.util.Date longAgo = java.util.Date.from(java.time.Instant.now().minus(ago));
        for (int i = have; i < n; i++) {
            MimeMessage m = ReplyBenchmark.reply(i, "<old" + i + "@elsewhere.test>");
            m.setSentDate(longAgo);
            chunk.add(m);
            if (chunk.size() == 500) {
                f.appendMessages(chunk.toArray(new Message[0]));
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            f.appendMessages(chunk.toArray(new Message[0]));
        }
        s.close();
        return n;
    }
}
