package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OAuthSignIns;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.Route;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.itests.support.OAuthServer;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * OAuth sign-in in a real Karaf against a local OAuth server and GreenMail speaking XOAUTH2 (the user's password
 * there is always the newest access token, so a stale token is refused at once): the browser flow through the REST
 * API and the callback, sending and collecting replies across several token expiries, refresh-token rotation,
 * a withdrawn grant holding mail until the recruiter signs in again, refused callbacks, the device code flow,
 * revocation on disconnect, and tokens nowhere in files, logs or answers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OAuthIT extends MailTestSupport {

    private static final Duration TOKEN_LIFE = Duration.ofSeconds(8);
    private static final String HOST_SECRET = "the-host-ats-secret-for-embedded-pages";

    @Inject
    private OAuthSignIns signIns;

    @Inject
    private org.apache.karaf.shell.api.console.SessionFactory shells;

    @Inject
    @org.ops4j.pax.exam.util.Filter("(dataSourceName=talentats-email)")
    private DataSource database;

    @Inject
    private ReplyCollector collector;

    @Inject
    private io.talentats.email.runtime.KeyRotation rotation;

    private static OAuthServer oauth;
    private static int webPort;

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email-web", "talentats-email-greenmail"),
            editConfigurationFilePut("etc/users.properties", "karaf", "karaf,admin"),
            editConfigurationFilePut("etc/users.properties", "other", "otherpass,admin"),
            etcConfig("io.talentats.email.router", "retry.initial.delay.ms", "300"),
            etcConfig("io.talentats.email.web", "token.secret", HOST_SECRET),
            etcConfig("io.talentats.email.replies", "max.backoff.s", "1"),
            mailConfig("connect.timeout.ms", "2000"),
            mailConfig("read.timeout.ms", "5000")
        };
    }

    @Before
    public void oauthServer() throws Exception {
        if (oauth != null) {
            return;
        }
        oauth = OAuthServer.start();
        oauth.accessLifetime(TOKEN_LIFE);
        oauth.client("google-client", "google-secret");
        oauth.client("ms-client", "ms-secret");
        // The user's GreenMail password is the newest access token: XOAUTH2 with anything older is refused.
        oauth.onToken((email, token) -> withMailLoader(() -> mail.greenMail().setUser(email, email, token)));
        webPort = Integer.parseInt(String.valueOf(config("org.ops4j.pax.web").get("org.osgi.service.http.port")));
        // Two presets from a "plugin": the providers' shapes, with the test server's mailboxes.
        oauthPreset("greenmail-google", "oauth.test", "google", mail.smtpsPort(), mail.imapsPort());
        oauthPreset("greenmail-microsoft", "ms.test", "microsoft", mail.smtpsPort(), mail.imapsPort());
        client("google", "google-client", "google-secret", false);
        client("microsoft", "ms-client", "ms-secret", true);
        await("both sign-ins offered", Duration.ofSeconds(15), () -> signIns.options().size() == 2);
        await("client secrets encrypted", Duration.ofSeconds(15), () -> clientConfigs().stream()
                .allMatch(p -> String.valueOf(p.get("client.secret")).startsWith("{aesgcm:")));
    }

    private void client(String provider, String id, String secret, boolean device) throws IOException {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("provider", provider);
        p.put("client.id", id);
        p.put("client.secret", secret);
        p.put("callback.base.url", "http://localhost:" + webPort);
        String base = oauth.base(provider);
        p.put("authorization.url", base + "/authorize");
        p.put("token.url", base + "/token");
        p.put("revocation.url", base + "/revoke");
        if (device) {
            p.put("device.authorization.url", base + "/device");
        }
        configAdmin.getFactoryConfiguration("io.talentats.email.oauth.client", provider, "?").update(p);
    }

    private List<Dictionary<String, Object>> clientConfigs() {
        try {
            List<Dictionary<String, Object>> out = new ArrayList<>();
            for (org.osgi.service.cm.Configuration c : configAdmin.listConfigurations(
                    "(service.factoryPid=io.talentats.email.oauth.client)")) {
                out.add(c.getProperties());
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void withMailLoader(Runnable r) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(sessions.classLoader());
        try {
            r.run();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    // ------------------------------------------------------------------ HTTP as the browser does it

    private record Answer(int status, String location, String body) {}

    private Answer http(String method, String url, String login, String json) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        c.setRequestMethod(method);
        if (login != null) {
            c.setRequestProperty("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)));
        }
        if (json != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(json.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Answer(status, c.getHeaderField("Location"), body);
    }

    private String api(String path) {
        return "http://localhost:" + webPort + "/talentats-email/api" + path;
    }

    /** Starts a sign-in through the REST API and follows the provider's redirect; returns the callback URL. */
    private String authorize(String user, String provider, String presetId, String address, String login)
            throws IOException {
        oauth.nextLogin(address);
        Answer started = http("POST", api("/accounts/" + user + "/oauth"), login,
                "{\"provider\":\"" + provider + "\",\"presetId\":\"" + presetId + "\"}");
        assertEquals(started.body(), 200, started.status());
        String url = started.body().replaceAll(".*\"authorizationUrl\"\\s*:\\s*\"([^\"]+)\".*", "$1")
                .replace("\\u0026", "&").replace("\\u003d", "=");
        Map<String, String> q = OAuthServer.query(URI.create(url));
        assertEquals("S256", q.get("code_challenge_method"));
        assertNotNull(q.get("state"));
        Answer consent = http("GET", url, null, null);
        assertEquals(302, consent.status());
        assertTrue(consent.location(), consent.location().startsWith("http://localhost:" + webPort
                + "/talentats-email/oauth/callback?"));
        return consent.location();
    }

    /** The browser arrives at the callback; returns the page it is sent to and its query. */
    private Map<String, String> callback(String url, String login) throws IOException {
        Answer back = http("GET", url, login, null);
        assertEquals(back.body(), 302, back.status());
        URI page = URI.create(back.location().startsWith("/") ? "http://localhost:" + webPort + back.location()
                : back.location());
        assertEquals("/talentats-email/ui/index.html", page.getPath());
        return OAuthServer.query(page);
    }

    private String signIn(String provider, String presetId, String address) throws IOException {
        String user = "o-" + UUID.randomUUID();
        Map<String, String> page = callback(authorize(user, provider, presetId, address, "karaf:karaf"),
                "karaf:karaf");
        assertEquals(page.toString(), "connected", page.get("oauth"));
        assertEquals(user, page.get("user"));
        return user;
    }

    /** The version of the user's stored grant (it grows with every stored refresh), or -1 without one. */
    private long grantVersion(String user) {
        String v = grantColumn(user, "version");
        return v == null ? -1 : Long.parseLong(v);
    }

    /** One column of the user's row in email_oauth_grant, or {@code null} without one. */
    private String grantColumn(String user, String column) {
        try (java.sql.Connection c = database.getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement(
                        "SELECT " + column + " FROM email_oauth_grant WHERE user_id = ?")) {
            ps.setString(1, user);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private WatcherStatus watcher(String user) {
        return collector.watchers().stream().filter(w -> w.userId().equals(user)).findFirst().orElse(null);
    }

    // ------------------------------------------------------------------ tests

    @Test
    public void aPageEmbeddedWithAHostTokenCompletesTheSignInItself() throws Exception {
        String user = "emb-" + UUID.randomUUID();
        String address = "emb-" + UUID.randomUUID().toString().substring(0, 8) + "@oauth.test";
        long exp = java.time.Instant.now().plusSeconds(600).getEpochSecond();
        io.talentats.email.itests.support.Http page = io.talentats.email.itests.support.Http.at(api(""))
                .bearer(io.talentats.email.itests.support.Http.jwt(HOST_SECRET, "{\"sub\":\"" + user
                        + "\",\"aud\":\"talentats-email\",\"exp\":" + exp + "}"));
        io.talentats.email.itests.support.Http stranger = io.talentats.email.itests.support.Http.at(api(""))
                .bearer(io.talentats.email.itests.support.Http.jwt(HOST_SECRET, "{\"sub\":\"stranger\","
                        + "\"aud\":\"talentats-email\",\"exp\":" + exp + "}"));
        oauth.nextLogin(address);
        var started = page.post("/accounts/" + user + "/oauth",
                "{\"provider\":\"google\",\"presetId\":\"greenmail-google\"}");
        assertEquals(started.body(), 200, started.status());
        String url = started.body().replaceAll(".*\"authorizationUrl\"\\s*:\\s*\"([^\"]+)\".*", "$1")
                .replace("\\u0026", "&").replace("\\u003d", "=");
        Answer consent = http("GET", url, null, null);
        assertEquals(302, consent.status());

        // The provider's redirect carries no credentials: the page gets state and code in the fragment
        Answer back = http("GET", consent.location(), null, null);
        assertEquals(back.body(), 302, back.status());
        assertTrue(back.location(), back.location().contains("/talentats-email/ui/index.html#oauth-state="));
        Map<String, String> fragment = OAuthServer.query(URI.create("http://x/?"
                + back.location().substring(back.location().indexOf('#') + 1)));
        String body = "{\"state\":\"" + fragment.get("oauth-state") + "\",\"code\":\"" + fragment.get("oauth-code")
                + "\"}";
        // Without a token nothing completes; with the recruiter's it does
        assertEquals(401, io.talentats.email.itests.support.Http.at(api("")).post("/oauth/complete", body).status());
        var done = page.post("/oauth/complete", body);
        assertEquals(done.body(), 200, done.status());
        assertTrue(done.body(), done.body().contains("\"outcome\":\"connected\""));
        assertEquals("google", settings.get(user).orElseThrow().oauthProvider());
        assertEquals(address, settings.get(user).orElseThrow().emailAddress());
        var replay = stranger.post("/oauth/complete", body);
        assertEquals(replay.body(), 409, replay.status());

        // A flow another recruiter started cannot be completed with this token
        oauth.nextLogin(address);
        var other = stranger.post("/accounts/stranger/oauth", "{\"provider\":\"google\",\"presetId\":"
                + "\"greenmail-google\"}");
        String otherUrl = other.body().replaceAll(".*\"authorizationUrl\"\\s*:\\s*\"([^\"]+)\".*", "$1")
                .replace("\\u0026", "&").replace("\\u003d", "=");
        Answer otherBack = http("GET", http("GET", otherUrl, null, null).location(), null, null);
        Map<String, String> f2 = OAuthServer.query(URI.create("http://x/?"
                + otherBack.location().substring(otherBack.location().indexOf('#') + 1)));
        var stolen = page.post("/oauth/complete", "{\"state\":\"" + f2.get("oauth-state") + "\",\"code\":\""
                + f2.get("oauth-code") + "\"}");
        assertEquals(stolen.body(), 409, stolen.status());
        assertTrue(stolen.body(), stolen.body().contains("someone else"));
        assertFalse(settings.get("stranger").isPresent());
    }

    @Test
    public void signInWithGoogleSendsAndCollectsRepliesAcrossTokenExpiries() throws Exception {
        String address = "jane-" + UUID.randomUUID().toString().substring(0, 8) + "@oauth.test";
        String user = signIn("google", "greenmail-google", address);
        Account a = settings.get(user).orElseThrow();
        assertEquals("google", a.oauthProvider());
        assertEquals(address, a.emailAddress());
        assertEquals("greenmail-google", a.presetId());
        assertFalse("no password is stored", a.passwordSet());
        assertTrue("Test Connection passed over XOAUTH2", a.lastVerification().passed());
        assertNull("no password in the account's configuration",
                config("io.talentats.email.account~" + user).get("password"));
        await("watching over XOAUTH2", Duration.ofSeconds(20),
                () -> watcher(user) != null && watcher(user).mode() == WatcherStatus.Mode.IDLE);

        int refreshesBefore = oauth.refreshes();
        long until = System.nanoTime() + TOKEN_LIFE.multipliedBy(3).toNanos();
        int round = 0;
        while (System.nanoTime() < until || round < 4) {
            round++;
            String thread = "t-" + UUID.randomUUID();
            String candidate = "cand" + round + "@candidates.test";
            MessageRecord out = awaitStatus(router().submit(message(user, MessageKind.CUSTOM, candidate)
                    .threadId(thread).subject("Round " + round).build()).messageId(), MessageStatus.SENT);
            assertEquals(Route.USER_SMTP, out.route());
            reply(candidate, address, "Re: Round " + round, "Yes, round " + round + " suits me.",
                    out.internetMessageId(), out.internetMessageId());
            await("reply " + round + " collected", Duration.ofSeconds(20), () -> history.forThread(thread,
                    PageRequest.first(10)).items().stream().anyMatch(r -> r.direction()
                            == MessageRecord.Direction.INBOUND));
            TimeUnit.MILLISECONDS.sleep(TOKEN_LIFE.toMillis() / 3); // let tokens age between rounds
        }
        assertTrue("tokens were refreshed (" + (oauth.refreshes() - refreshesBefore) + ")",
                oauth.refreshes() - refreshesBefore >= 2);
        assertTrue(settings.get(user).orElseThrow().health().isHealthy());
        assertEquals(round, watcher(user).repliesCollected());
    }

    @Test
    public void aWithdrawnGrantHoldsCustomMailUntilTheRecruiterSignsInAgain() throws Exception {
        String address = "bob-" + UUID.randomUUID().toString().substring(0, 8) + "@ms.test";
        String user = signIn("microsoft", "greenmail-microsoft", address);
        long v0 = grantVersion(user);
        // Microsoft rotates the refresh token on every use: two refreshes work only if each new one was stored.
        await("two refreshes of this grant stored", Duration.ofSeconds(30),
                () -> grantVersion(user) >= v0 + 2);
        assertTrue("each rotated refresh token worked", settings.get(user).orElseThrow().health().isHealthy());

        // The grant is withdrawn and the server refuses the token in use: the next message finds out. It was
        // queued, so it waits (held) for a new sign-in rather than failing.
        oauth.withdraw(address);
        withMailLoader(() -> mail.greenMail().setUser(address, address, "revoked-" + UUID.randomUUID()));
        String held = router().submit(message(user, MessageKind.CUSTOM, "held@candidates.test")
                .subject("Waits for sign-in").build()).messageId();
        awaitStatus(held, MessageStatus.HELD);
        await("NEEDS_REAUTHORIZATION", Duration.ofSeconds(30), () -> settings.get(user).orElseThrow().health()
                .state() == AccountHealth.State.NEEDS_REAUTHORIZATION);
        try {
            router().submit(message(user, MessageKind.CUSTOM, "new@candidates.test").build());
            fail("a new custom message is refused while the sign-in is broken");
        } catch (MessageRejectedException e) {
            assertEquals(MessageRejectedException.Reason.ACCOUNT_LOGIN_FAILING, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("sign in again"));
        }
        String stage = router().submit(message(user, MessageKind.STAGE_CHANGE, "stage@candidates.test")
                .subject("Stage mail").build()).messageId();
        assertEquals(Route.PLATFORM, awaitStatus(stage, MessageStatus.SENT).route());

        Map<String, String> page = callback(authorize(user, "microsoft", "greenmail-microsoft", address,
                "karaf:karaf"), "karaf:karaf");
        assertEquals("connected", page.get("oauth"));
        assertTrue(settings.get(user).orElseThrow().health().isHealthy());
        assertEquals(Route.USER_SMTP, awaitStatus(held, MessageStatus.SENT).route());
        assertEquals(1, count(mail.greenMail(), "held@candidates.test", "Waits for sign-in"));
    }

    @Test
    public void aCallbackForAnotherCallerOrAReplayedOneIsRefused() throws Exception {
        String user = "o-" + UUID.randomUUID();
        String address = "eve-" + UUID.randomUUID().toString().substring(0, 8) + "@oauth.test";
        String url = authorize(user, "google", "greenmail-google", address, "karaf:karaf");
        Map<String, String> foreign = callback(url, "other:otherpass");
        assertEquals("error", foreign.get("oauth"));
        assertTrue(foreign.get("message"), foreign.get("message").contains("someone else"));
        Map<String, String> replay = callback(url, "karaf:karaf");
        assertEquals("error", replay.get("oauth"));
        assertTrue(replay.get("message"), replay.get("message").contains("already used"));
        assertTrue("nothing saved", settings.get(user).isEmpty());

        String good = authorize(user, "google", "greenmail-google", address, "karaf:karaf");
        assertEquals("connected", callback(good, "karaf:karaf").get("oauth"));
        assertEquals("error", callback(good, "karaf:karaf").get("oauth"));
        Map<String, String> forged = callback("http://localhost:" + webPort
                + "/talentats-email/oauth/callback?code=x&state=forged", "karaf:karaf");
        assertEquals("error", forged.get("oauth"));
    }

    @Test
    public void theConsoleSignsInWithADeviceCode() throws Exception {
        String user = "d-" + UUID.randomUUID();
        String address = "dev-" + UUID.randomUUID().toString().substring(0, 8) + "@ms.test";
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(bytes, true, StandardCharsets.UTF_8);
        javax.security.auth.Subject admin = new javax.security.auth.Subject();
        admin.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.UserPrincipal("operator"));
        admin.getPrincipals().add(new org.apache.karaf.jaas.boot.principal.RolePrincipal("admin"));
        org.apache.karaf.shell.api.console.Session session = shells.create(
                new java.io.ByteArrayInputStream(new byte[0]), out, out);
        CompletableFuture<Object> done = CompletableFuture.supplyAsync(() -> {
            try {
                return javax.security.auth.Subject.doAs(admin,
                        (java.security.PrivilegedExceptionAction<Object>) () -> session.execute(
                                "email:account-oauth " + user + " microsoft"));
            } catch (java.security.PrivilegedActionException e) {
                throw new IllegalStateException(e.getCause());
            }
        });
        try {
            await("the code printed", Duration.ofSeconds(15),
                    () -> bytes.toString(StandardCharsets.UTF_8).contains("enter the code"));
            java.util.regex.Matcher code = java.util.regex.Pattern.compile("enter the code (\\S+)")
                    .matcher(bytes.toString(StandardCharsets.UTF_8));
            assertTrue(code.find());
            assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("https://microsoft.com/devicelogin"));
            oauth.approveDevice(code.group(1), address);
            done.get(30, TimeUnit.SECONDS);
        } finally {
            session.close();
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(printed, printed.contains("Signed in: " + address));
        // As after the browser's sign-in, the connection is tested and the result printed; no command to look up
        assertTrue(printed, printed.matches("(?s).*SMTP\\s+PASSED.*IMAP\\s+PASSED.*Connection works\\..*"));
        assertFalse(printed, printed.contains("email:test"));
        for (String t : oauth.issued()) {
            assertFalse("no token printed", printed.contains(t));
        }
        Account a = settings.get(user).orElseThrow();
        assertEquals("microsoft", a.oauthProvider());
        assertEquals("greenmail-microsoft", a.presetId());
        assertNotNull("the test recorded", a.lastVerification());

        // The account as the console shows it: the sign-in method, the provider and whether the grant works
        java.io.ByteArrayOutputStream shown = new java.io.ByteArrayOutputStream();
        java.io.PrintStream showOut = new java.io.PrintStream(shown, true, StandardCharsets.UTF_8);
        org.apache.karaf.shell.api.console.Session show = shells.create(
                new java.io.ByteArrayInputStream(new byte[0]), showOut, showOut);
        try {
            javax.security.auth.Subject.doAs(admin, (java.security.PrivilegedExceptionAction<Object>) () ->
                    show.execute("email:account-show " + user));
        } finally {
            show.close();
        }
        String table = shown.toString(StandardCharsets.UTF_8);
        assertTrue(table, table.matches("(?s).*Sign-in\\s*\\|\\s*OAuth with microsoft: the grant works.*"));
        assertTrue(table, table.matches("(?s).*Password\\s*\\|\\s*none \\(signs in with OAuth\\).*"));
        assertFalse(table, table.contains("not set"));
    }

    /** The ciphertext of the user's refresh token as stored. */
    private String storedRefreshToken(String user) {
        return grantColumn(user, "refresh_token");
    }

    @Test
    public void keyRotationReencryptsTheTokensAndTheyStillWork() throws Exception {
        String address = "kim-" + UUID.randomUUID().toString().substring(0, 8) + "@ms.test";
        String user = signIn("microsoft", "greenmail-microsoft", address);
        String before = storedRefreshToken(user);
        assertTrue(before, before.startsWith("{aesgcm:"));
        assertTrue("the tokens were among the secrets re-encrypted", rotation.rotate() >= 2);
        String after = storedRefreshToken(user);
        assertFalse("a new key", after.substring(0, after.indexOf('}')).equals(before.substring(0, before.indexOf('}'))));
        // The old key is retired from the key file: refreshes go on with the re-encrypted refresh token.
        long v = grantVersion(user);
        await("a refresh after the rotation", Duration.ofSeconds(30), () -> grantVersion(user) >= v + 2);
        assertTrue(settings.get(user).orElseThrow().health().isHealthy());
        MessageRecord out = awaitStatus(router().submit(message(user, MessageKind.CUSTOM, "rot@candidates.test")
                .build()).messageId(), MessageStatus.SENT);
        assertEquals(Route.USER_SMTP, out.route());
    }

    @Test
    public void disconnectRevokesTheGrantAndTokensAppearNowhere() throws Exception {
        String address = "ann-" + UUID.randomUUID().toString().substring(0, 8) + "@oauth.test";
        String user = signIn("google", "greenmail-google", address);
        // Signing in again replaces the grant and revokes the one it replaces (RFC 7009), as a disconnect does
        int revokedBefore = oauth.revoked().size();
        long version = grantVersion(user);
        Map<String, String> again = callback(authorize(user, "google", "greenmail-google", address, "karaf:karaf"),
                "karaf:karaf");
        assertEquals(again.toString(), "connected", again.get("oauth"));
        await("the replaced grant revoked", Duration.ofSeconds(10), () -> oauth.revoked().size() == revokedBefore + 1);
        assertNotEquals("a new grant", version, grantVersion(user));
        assertEquals("the new grant works", Route.USER_SMTP, awaitStatus(router().submit(message(user,
                MessageKind.CUSTOM, "again@candidates.test").build()).messageId(), MessageStatus.SENT).route());
        String answers = http("GET", api("/accounts"), "karaf:karaf", null).body()
                + http("GET", api("/accounts/" + user), "karaf:karaf", null).body()
                + http("GET", api("/status"), "karaf:karaf", null).body()
                + http("GET", api("/oauth/providers"), "karaf:karaf", null).body();
        assertTrue(settings.disconnect(user));
        await("grant removed", Duration.ofSeconds(10), () -> grantVersion(user) == -1);
        assertFalse("revoked at the provider", oauth.revoked().isEmpty());

        List<String> secrets = new ArrayList<>(oauth.issued());
        secrets.add("google-secret");
        secrets.add("ms-secret");
        for (String s : secrets) {
            assertFalse("a token in an API answer", answers.contains(s));
        }
        Path etc = Paths.get(System.getProperty("karaf.etc"));
        Path data = Paths.get(System.getProperty("karaf.data"));
        List<Path> files = new ArrayList<>();
        try (Stream<Path> e = Files.walk(etc); Stream<Path> logs = Files.walk(data.resolve("log"));
                Stream<Path> all = Files.walk(data)) {
            e.filter(Files::isRegularFile).forEach(files::add);
            logs.filter(Files::isRegularFile).forEach(files::add);
            all.filter(f -> f.toString().endsWith(".db") || f.toString().contains("config")).filter(
                    Files::isRegularFile).forEach(files::add);
        }
        assertTrue("the database and the logs are among the files looked at", files.stream()
                .anyMatch(f -> f.toString().endsWith(".mv.db")) && files.stream().anyMatch(
                        f -> f.toString().endsWith(".log")));
        for (Path f : files) {
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            for (String s : secrets) {
                assertFalse("a secret in " + f, text.contains(s));
            }
        }
        assertNotNull(URLDecoder.decode("x", StandardCharsets.UTF_8));
    }
}
