package io.talentats.email.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two distributions on one PostgreSQL (started by the build's {@code postgres.sh}), their recruiters' mailboxes on
 * a GreenMail of the test's own: every message submitted to either node delivered exactly once, each mailbox watched
 * by exactly one node (one IMAP connection at the server), kill -9 of a node taken over within the lease with no
 * reply missed or doubled, and the mailboxes spread again when it is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterE2E {

    private static final int RECRUITERS = 6;
    private static final int MESSAGES = 1000;
    private static final String LEASE_S = "6";
    private static final String OUTBOX_LEASE_MS = "8000";
    private static final int IN_FLIGHT = 40;

    private final Path pgState = Paths.get("target/postgres").toAbsolutePath();
    private GreenMail mail;
    private SandboxKaraf a;
    private SandboxKaraf b;
    private Api apiA;
    private Api apiB;

    @BeforeAll
    void start() throws Exception {
        Process pg = new ProcessBuilder("bash", Paths.get("../bundles/store/postgres.sh").toAbsolutePath().toString(),
                "start", pgState.toString()).inheritIO().start();
        assertThat(pg.waitFor(5, TimeUnit.MINUTES) && pg.exitValue() == 0).as("PostgreSQL started").isTrue();
        String url = Files.readString(pgState.resolve("postgres.url")).trim().replace("?user=app", "");
        mail = new GreenMail(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort()});
        mail.start();
        for (int i = 0; i < RECRUITERS; i++) {
            mail.setUser("r" + i + "@cluster.test", "r" + i + "@cluster.test", "pw");
        }
        Path keys = Paths.get("target/karaf/cluster.keys").toAbsolutePath();
        Files.createDirectories(keys.getParent());
        Files.deleteIfExists(keys);
        a = SandboxKaraf.start("cluster-a", node("node-a", url, keys));
        b = SandboxKaraf.start("cluster-b", node("node-b", url, keys));
        apiA = new Api(a.base());
        apiB = new Api(b.base());
    }

    /** A node's settings: the shared database, the shared key file, its name, short leases for the test. */
    private static Map<String, Map<String, String>> node(String name, String url, Path keys) {
        return Map.of(
                "org.ops4j.datasource-talentats-email", Map.of("osgi.jdbc.driver.class", "org.postgresql.Driver",
                        "url", url, "user", "app"),
                "io.talentats.email", Map.of("key.file", keys.toString()),
                "system.properties", Map.of("io.talentats.email.node.id", name),
                "io.talentats.email.replies", Map.of("lease.s", LEASE_S, "poll.interval.s", "5"),
                "io.talentats.email.router", Map.of("retry.initial.delay.ms", "500", "lease.ms", OUTBOX_LEASE_MS));
    }

    @AfterAll
    void stop() throws Exception {
        for (SandboxKaraf k : new SandboxKaraf[] {a, b}) {
            if (k != null) {
                k.close();
            }
        }
        if (mail != null) {
            mail.stop();
        }
        new ProcessBuilder("bash", Paths.get("../bundles/store/postgres.sh").toAbsolutePath().toString(), "stop",
                pgState.toString()).inheritIO().start().waitFor(2, TimeUnit.MINUTES);
    }

    private String account(int i) {
        return "{\"emailAddress\":\"r" + i + "@cluster.test\",\"password\":\"pw\",\"displayName\":\"Recruiter " + i
                + "\",\"smtpHost\":\"127.0.0.1\",\"smtpPort\":" + mail.getSmtp().getPort() + ",\"smtpSecurity\":"
                + "\"NONE\",\"imapHost\":\"127.0.0.1\",\"imapPort\":" + mail.getImap().getPort()
                + ",\"imapSecurity\":\"NONE\"}";
    }

    /** Which node watches each recruiter's mailbox, as {@code api}'s node sees it: user → node, IDLE ones only. */
    private static Map<String, String> watching(Api api) {
        Map<String, String> out = new HashMap<>();
        Api.Response status = api.get("/status");
        if (status.status() != 200) {
            return out;
        }
        for (JsonElement e : status.object().getAsJsonArray("accounts")) {
            JsonObject acc = e.getAsJsonObject();
            JsonElement w = acc.get("watcher");
            if (w != null && w.isJsonObject() && w.getAsJsonObject().has("node")
                    && w.getAsJsonObject().get("mode").getAsString().equals("IDLE")) {
                out.put(acc.get("userId").getAsString(), w.getAsJsonObject().get("node").getAsString());
            }
        }
        return out;
    }

    /** The nodes {@code api}'s node shows: name (and whether it is that node) → alive or gone, mailboxes. */
    private static Map<String, String> nodes(Api api) {
        Map<String, String> out = new HashMap<>();
        Api.Response status = api.get("/status");
        if (status.status() != 200) {
            return out;
        }
        for (JsonElement e : status.object().getAsJsonArray("nodes")) {
            JsonObject n = e.getAsJsonObject();
            out.put(n.get("nodeId").getAsString() + (n.get("self").getAsBoolean() ? " (this one)" : ""),
                    (n.get("alive").getAsBoolean() ? "alive " : "gone ") + n.get("mailboxes").getAsInt());
        }
        return out;
    }

    /** Mailboxes watched on their own node, over both nodes: user → node. */
    private Map<String, String> watchedOverall() {
        Map<String, String> all = new HashMap<>();
        watching(apiA).forEach((u, n) -> all.merge(u, n, (x, y) -> x + "+" + y));
        watching(apiB).forEach((u, n) -> all.merge(u, n, (x, y) -> x + "+" + y));
        return all;
    }

    /** IMAP connections established at the test's server right now. */
    private long imapConnections() throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tnH", "state", "established", "( sport = :"
                + mail.getImap().getPort() + " )").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes());
        ss.waitFor(10, TimeUnit.SECONDS);
        return out.lines().filter(l -> !l.isBlank()).count();
    }

    private long inbound(Api api, String user) {
        Api.Response r = api.get("/accounts/" + user + "/messages?limit=500");
        long n = 0;
        for (JsonElement e : r.object().getAsJsonArray("items")) {
            if (e.getAsJsonObject().get("direction").getAsString().equals("INBOUND")) {
                n++;
            }
        }
        return n;
    }

    private void reply(int recruiter, MimeMessage original, String text) throws Exception {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", Integer.toString(mail.getSmtp().getPort()));
        MimeMessage reply = (MimeMessage) original.reply(false);
        reply.setFrom(new InternetAddress(original.getRecipients(Message.RecipientType.TO)[0].toString()));
        reply.setRecipient(Message.RecipientType.TO, new InternetAddress("r" + recruiter + "@cluster.test"));
        reply.setText(text, "UTF-8");
        Transport.send(new MimeMessage(Session.getInstance(p), toStream(reply)));
    }

    private static java.io.InputStream toStream(MimeMessage m) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        m.writeTo(out);
        return new java.io.ByteArrayInputStream(out.toByteArray());
    }

    @Test
    void twoNodesShareTheOutboxAndTheMailboxesAndTakeOverFromEachOther() throws Exception {
        // Each account saved on one node only, alternately: every account is on both nodes within seconds
        for (int i = 0; i < RECRUITERS; i++) {
            assertThat((i % 2 == 0 ? apiA : apiB).put("/accounts/r" + i, account(i)).status()).isEqualTo(200);
        }
        a.await(Duration.ofSeconds(30), "all six accounts on both nodes", () -> accounts(apiA) == RECRUITERS
                && accounts(apiB) == RECRUITERS);
        // Each mailbox watched by exactly one node, the mailboxes spread over both
        a.await(Duration.ofSeconds(60), "six mailboxes, three per node, each watched once", () -> {
            Map<String, String> w = watchedOverall();
            return w.size() == RECRUITERS && !w.values().stream().anyMatch(n -> n.contains("+"))
                    && w.values().stream().filter("node-a"::equals).count() == RECRUITERS / 2;
        });
        a.await(Duration.ofSeconds(30), "one IMAP connection per mailbox at the server",
                () -> uncheckedConnections() == RECRUITERS);
        // Both nodes in the status, under the one name each was given, with their mailboxes
        b.await(Duration.ofSeconds(30), "both nodes in the status, three mailboxes each", () -> nodes(apiB).equals(
                Map.of("node-a", "alive " + RECRUITERS / 2, "node-b (this one)", "alive " + RECRUITERS / 2)));

        // 1000 messages submitted alternately to both nodes, the key rotated on B while both send: each message
        // delivered exactly once
        String keyBefore = currentKey();
        for (int i = 0; i < MESSAGES; i++) {
            submit(i % 2 == 0 ? apiA : apiB, i);
            if (i == MESSAGES / 3) {
                SandboxKaraf.Script rotated = b.script("email:rotate-key\n");
                assertThat(rotated.output()).as("%s", rotated).contains("Re-encrypted");
            }
        }
        String keyAfter = currentKey();
        assertThat(keyAfter).as("rotated").isNotEqualTo(keyBefore);
        a.await(Duration.ofSeconds(30), "node A holding the passwords B re-encrypted", () -> {
            String held = unchecked(() -> a.script("config:list \"(service.pid=io.talentats.email.account~r0)\"\n")
                    .output());
            return held.contains("{aesgcm:" + keyAfter + "}");
        });
        // (The recruiters' Sent folders hold copies: only the candidates' mailboxes count.)
        a.await(Duration.ofMinutes(5), "every message delivered", () -> candidates().length >= MESSAGES
                && apiA.get("/outbox").object().get("depth").getAsInt() == 0);
        MimeMessage[] received = candidates();
        Set<String> subjects = new HashSet<>();
        for (MimeMessage m : received) {
            subjects.add(m.getSubject());
        }
        assertThat(received).as("no message sent twice").hasSize(MESSAGES);
        assertThat(subjects).hasSize(MESSAGES);
        // (Appending the Sent copies opens connections of its own for a while; the watchers' stay one each.)
        a.await(Duration.ofSeconds(60), "one IMAP connection per mailbox once the Sent copies are in",
                () -> uncheckedConnections() == RECRUITERS);

        // A reply to one message of each recruiter: recorded once
        Map<Integer, MimeMessage> one = new HashMap<>();
        for (MimeMessage m : received) {
            int n = Integer.parseInt(m.getSubject().substring("Cluster ".length()));
            one.putIfAbsent(n % RECRUITERS, m);
        }
        for (int r = 0; r < RECRUITERS; r++) {
            reply(r, one.get(r), "Thanks, first answer.");
        }
        a.await(Duration.ofSeconds(60), "six replies recorded", () -> {
            for (int r = 0; r < RECRUITERS; r++) {
                if (inbound(apiA, "r" + r) != 1) {
                    return false;
                }
            }
            return true;
        });

        // kill -9 of node A just after it accepted 40 messages: node B watches all six mailboxes within the watch
        // lease, sends A's messages once their outbox lease runs out (at most once more each, for one A had on the
        // wire), and collects the replies that arrive after the kill, each once
        for (int k = 0; k < IN_FLIGHT; k++) {
            Api.Response sent = apiA.post("/messages", "{\"senderUserId\":\"r" + (k % RECRUITERS) + "\",\"kind\":"
                    + "\"STAGE_CHANGE\",\"to\":[\"late" + k + "@late.test\"],\"subject\":\"In flight " + k
                    + "\",\"textBody\":\"Your application moved on.\"}");
            assertThat(sent.status()).as("%s", sent).isEqualTo(202);
        }
        String startedBefore = startedAt(apiB, "node-a");
        a.kill();
        // The documented bound (docs/operators.md): the lease, then the round that sees it run out (a third of it);
        // the slack is for this shared 2-core machine, not part of the bound
        long lease = Long.parseLong(LEASE_S);
        b.await(Duration.ofSeconds(lease + lease / 3 + 20), "node B watching every mailbox within the lease and a "
                + "third", () -> {
            Map<String, String> w = watching(apiB);
            return w.size() == RECRUITERS && w.values().stream().allMatch("node-b"::equals);
        });
        b.await(Duration.ofSeconds(30), "node A shown gone", () -> nodes(apiB).equals(Map.of("node-a", "gone 0",
                "node-b (this one)", "alive " + RECRUITERS)));
        for (int r = 0; r < RECRUITERS; r++) {
            reply(r, one.get(r), "Second answer, after the failover.");
        }
        b.await(Duration.ofSeconds(60), "the replies after the failover recorded", () -> {
            for (int r = 0; r < RECRUITERS; r++) {
                if (inbound(apiB, "r" + r) != 2) {
                    return false;
                }
            }
            return true;
        });
        b.await(Duration.ofSeconds(30), "one IMAP connection per mailbox after the failover",
                () -> uncheckedConnections() == RECRUITERS);
        b.await(Duration.ofSeconds(60), "node A's accepted messages delivered by node B",
                () -> late().stream().distinct().count() == IN_FLIGHT);
        Map<String, Long> copies = new HashMap<>();
        late().forEach(subject -> copies.merge(subject, 1L, Long::sum));
        assertThat(copies.values()).as("none sent more than once more: %s", copies).allMatch(n -> n <= 2);

        // Node A back: the mailboxes spread over both again, still each watched once
        a.startAgain();
        a.await(Duration.ofSeconds(90), "three mailboxes per node again", () -> {
            Map<String, String> w = watchedOverall();
            return w.size() == RECRUITERS && !w.values().stream().anyMatch(n -> n.contains("+"))
                    && w.values().stream().filter("node-a"::equals).count() == RECRUITERS / 2;
        });
        for (int r = 0; r < RECRUITERS; r++) {
            assertThat(inbound(apiA, "r" + r)).as("no reply doubled for r%d", r).isEqualTo(2);
        }
        // A node that starts again is a new start, not the process that died
        assertThat(java.time.Instant.parse(startedAt(apiB, "node-a"))).as("node A's start as node B shows it")
                .isAfter(java.time.Instant.parse(startedBefore));

        // Disconnected on one node: gone from the other too, its mailbox no longer watched anywhere
        assertThat(apiA.delete("/accounts/r5").status()).isEqualTo(204);
        b.await(Duration.ofSeconds(30), "r5 disconnected on node B too", () -> apiB.get("/accounts/r5").status() == 404
                && accounts(apiB) == RECRUITERS - 1);
        b.await(Duration.ofSeconds(30), "one IMAP connection per remaining mailbox",
                () -> uncheckedConnections() == RECRUITERS - 1 && !watchedOverall().containsKey("r5"));

        // Test before save, the test on one node and the save on the other (require.verified.save)
        for (SandboxKaraf k : new SandboxKaraf[] {a, b}) {
            k.configure("io.talentats.email", Map.of("require.verified.save", "true"));
        }
        b.await(Duration.ofSeconds(30), "an untested save refused on node B", () -> {
            Api.Response probe = apiB.put("/accounts/probe", account(4));
            if (probe.status() == 200) {
                apiB.delete("/accounts/probe"); // not in effect yet
                return false;
            }
            return probe.status() == 400 && probe.raw().body().contains("\"connection\"");
        });
        Api.Response tested = apiA.post("/accounts/r5/test", account(5));
        assertThat(tested.status()).as("%s", tested).isEqualTo(200);
        assertThat(tested.object().get("passed").getAsBoolean()).as("%s", tested).isTrue();
        Api.Response saved = apiB.put("/accounts/r5", account(5));
        assertThat(saved.status()).as("saved on B after the test on A: %s", saved).isEqualTo(200);
        Api.Response untested = apiB.put("/accounts/r4", account(4).replace("\"password\":\"pw\"",
                "\"password\":\"never-tested\""));
        assertThat(untested.status()).as("%s", untested).isEqualTo(400);
        assertThat(untested.raw().body()).contains("Test the connection with these settings first");
        a.await(Duration.ofSeconds(30), "r5 connected again on node A too", () -> apiA.get("/accounts/r5").status()
                == 200);

        // The database away: REST says so at once (the pool waits 5 s for a connection), not a 500 after 30 s
        new ProcessBuilder("bash", Paths.get("../bundles/store/postgres.sh").toAbsolutePath().toString(), "stop",
                pgState.toString()).inheritIO().start().waitFor(2, TimeUnit.MINUTES);
        long t0 = System.nanoTime();
        Api.Response away = apiB.get("/accounts/r1/messages");
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(away.status()).as("%s", away).isEqualTo(503);
        assertThat(away.raw().body()).contains("message database cannot be reached").contains("nothing was changed");
        assertThat(tookMs).as("ms to answer").isLessThan(15_000);
        // A node stopping while its database is away waits for it in every component's last write: end them here
        a.kill();
        b.kill();
    }

    /** When {@code node} started, as {@code api}'s node shows it in the status. */
    private static String startedAt(Api api, String node) {
        for (JsonElement e : api.get("/status").object().getAsJsonArray("nodes")) {
            JsonObject n = e.getAsJsonObject();
            if (n.get("nodeId").getAsString().equals(node)) {
                return n.get("startedAt").getAsString();
            }
        }
        throw new AssertionError(node + " is not in the status");
    }

    private static int accounts(Api api) {
        Api.Response r = api.get("/accounts");
        return r.status() == 200 ? r.json().getAsJsonArray().size() : -1;
    }

    private static void submit(Api api, int i) {
        Api.Response sent = api.post("/messages", "{\"senderUserId\":\"r" + (i % RECRUITERS) + "\",\"kind\":"
                + "\"STAGE_CHANGE\",\"to\":[\"cand" + i + "@cand.test\"],\"subject\":\"Cluster " + i + "\","
                + "\"textBody\":\"Your application moved on.\"}");
        assertThat(sent.status()).as("%s", sent).isEqualTo(202);
    }

    /** The current key of the shared key file. */
    private static String currentKey() throws IOException {
        Properties keys = new Properties();
        try (var in = Files.newBufferedReader(Paths.get("target/karaf/cluster.keys"))) {
            keys.load(in);
        }
        return keys.getProperty("current");
    }

    private static <T> T unchecked(java.util.concurrent.Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Subjects of what arrived at the candidates of node A's last messages, one per copy. */
    private List<String> late() {
        List<String> out = new ArrayList<>();
        for (MimeMessage m : mail.findReceivedMessages(u -> u.getEmail().endsWith("@late.test"), m -> true)
                .toList()) {
            out.add(unchecked(m::getSubject));
        }
        return out;
    }

    private MimeMessage[] candidates() {
        return mail.findReceivedMessages(u -> u.getEmail().endsWith("@cand.test"), m -> true)
                .toArray(MimeMessage[]::new);
    }

    private long uncheckedConnections() {
        try {
            return imapConnections();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
