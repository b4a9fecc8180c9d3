package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.itests.support.Http;
import io.talentats.email.itests.support.Http.Answer;

import jakarta.mail.internet.MimeMessage;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

/**
 * Recruiters on their own: each reaches only their own account, messages and threads, by Karaf login with the
 * self-service role or by a token the host ATS signs; everything else is a 403 per route. And the health watch:
 * a password changed at the server is found by the re-check, the recruiter is told once, recovery is one event,
 * an account failing long enough is paused.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SelfServiceIT extends MailTestSupport {

    private static final String SECRET = "host-ats-shared-secret-0123456789abcdef";
    private static final String NOTICE = "Your mailbox connection stopped working";

    private static Http web;

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email-web", "talentats-email-greenmail"),
            editConfigurationFilePut("etc/users.properties", "karaf", "karaf,admin"),
            editConfigurationFilePut("etc/users.properties", "rita", "rita-pass,recruiter"),
            editConfigurationFilePut("etc/users.properties", "sam", "sam-pass,recruiter"),
            editConfigurationFilePut("etc/users.properties", "viewer", "viewer-pass,viewer"),
            etcConfig("io.talentats.email.web", "token.secret", SECRET),
            etcConfig("io.talentats.email.health", "notify.recruiter", "true"),
            etcConfig("io.talentats.email.health", "recheck.interval", "PT2S"),
            etcConfig("io.talentats.email.health", "tick", "PT0.5S"),
            etcConfig("io.talentats.email.health", "pause.after", "PT40S"),
            etcConfig("io.talentats.email.health", "page.url", "https://ats.example.com/talentats-email/ui/index.html"),
            mailConfig("connect.timeout.ms", "2000"),
            mailConfig("read.timeout.ms", "5000")
        };
    }

    @Before
    public void web() {
        if (web == null) {
            web = Http.at("http://localhost" + ":" + config("org.ops4j.pax.web").get("org.osgi.service.http.port")
                    + "/talentats-email/api");
        }
    }

    private String connect(String user, String address) throws Exception {
        mail.greenMail().setUser(address, address, PASSWORD);
        settings.save(user, io.talentats.email.api.AccountDraft.builder().emailAddress(address).password(PASSWORD)
                .displayName("Rita Recruiter").smtp("localhost", mail.smtpsPort(), io.talentats.email.api.Security.SSL_TLS)
                .imap("localhost", mail.imapsPort(), io.talentats.email.api.Security.SSL_TLS).build());
        return user;
    }

    private static String token(String sub, String aud, Instant exp) {
        return Http.jwt(SECRET, "{\"sub\":\"" + sub + "\",\"aud\":\"" + aud + "\",\"exp\":" + exp.getEpochSecond()
                + "}");
    }

    private static String id(Answer a) {
        return a.body().replaceAll("(?s).*\"messageId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
    }

    private static String send(String sender, String thread) {
        return "{\"senderUserId\":\"" + sender + "\",\"kind\":\"CUSTOM\",\"to\":[\"cand-" + UUID.randomUUID()
                + "@candidate.test\"],\"subject\":\"Hello\",\"textBody\":\"Hi\",\"threadId\":\"" + thread + "\"}";
    }

    @Test
    public void eachRecruiterReachesOnlyTheirOwnAccountByLoginAndByToken() throws Exception {
        connect("rita", "rita@self.test");
        connect("sam", "sam@self.test");
        await("the token secret is encrypted in its configuration", Duration.ofSeconds(15),
                () -> String.valueOf(config("io.talentats.email.web").get("token.secret")).startsWith("{aesgcm:"));
        Http rita = web.basic("rita", "rita-pass");
        Http sam = web.bearer(token("sam", "talentats-email", Instant.now().plusSeconds(300)));
        Http admin = web.basic("karaf", "karaf");

        // Their own: yes, by either mechanism
        assertEquals(200, rita.get("/accounts/rita").status());
        assertEquals(200, sam.get("/accounts/sam").status());
        assertTrue(rita.get("/me").body().contains("\"userId\":\"rita\""));
        Answer sent = rita.post("/messages", send("rita", "t-rita"));
        assertEquals(sent.body(), 202, sent.status());
        String ritas = id(sent);
        Answer samSent = sam.post("/messages", send("sam", "t-sam"));
        assertEquals(samSent.body(), 202, samSent.status());
        String sams = id(samSent);
        assertEquals(200, rita.get("/messages/" + ritas).status());
        assertEquals(200, rita.get("/threads/t-rita/messages").status());
        // Another recruiter's thread shows nothing of theirs
        Answer samsThread = rita.get("/threads/t-sam/messages");
        assertEquals(200, samsThread.status());
        assertFalse(samsThread.body(), samsThread.body().contains(sams));
        // A thread a hiring team shares: sam writes into rita's; neither locks the other out or sees the other's
        Answer samInRitas = sam.post("/messages", send("sam", "t-rita"));
        assertEquals(samInRitas.body(), 202, samInRitas.status());
        String samsInRitas = id(samInRitas);
        Answer ritaSees = rita.get("/threads/t-rita/messages");
        assertEquals(ritaSees.body(), 200, ritaSees.status());
        assertTrue(ritaSees.body(), ritaSees.body().contains(ritas) && !ritaSees.body().contains(samsInRitas));
        Answer samSees = sam.get("/threads/t-rita/messages");
        assertEquals(samSees.body(), 200, samSees.status());
        assertTrue(samSees.body(), samSees.body().contains(samsInRitas) && !samSees.body().contains(ritas));
        Answer operatorSees = admin.get("/threads/t-rita/messages");
        assertTrue(operatorSees.body(), operatorSees.body().contains(ritas) && operatorSees.body().contains(samsInRitas));
        Answer own = rita.get("/accounts/rita/messages");
        assertEquals(200, own.status());
        assertTrue(own.body(), own.body().contains(ritas) && !own.body().contains(sams));
        assertEquals(200, rita.post("/accounts/rita/test?stored=true", null).status());

        // Another user's: 403 on every route, by either mechanism, and nothing changes
        Map<String, Answer> refused = new java.util.LinkedHashMap<>();
        refused.put("GET account", rita.get("/accounts/sam"));
        refused.put("PUT account", rita.put("/accounts/sam", "{\"emailAddress\":\"evil@x.test\"}"));
        refused.put("DELETE account", rita.delete("/accounts/sam"));
        refused.put("test", rita.post("/accounts/sam/test", null));
        refused.put("oauth", rita.post("/accounts/sam/oauth", "{\"provider\":\"google\"}"));
        refused.put("messages", rita.get("/accounts/sam/messages"));
        refused.put("send as", rita.post("/messages", send("sam", "t-x")));
        refused.put("message", rita.get("/messages/" + sams));
        refused.put("retry", rita.post("/messages/" + sams + "/retry", null));
        refused.put("suppressions", rita.get("/suppressions?user=sam"));
        refused.put("unsuppress", rita.delete("/suppressions/sam/a@b.test"));
        refused.put("token: account", sam.get("/accounts/rita"));
        refused.put("token: send as", sam.post("/messages", send("rita", "t-y")));
        refused.put("token: message", sam.get("/messages/" + ritas));
        refused.put("token: disconnect", sam.delete("/accounts/rita"));
        // Operators' routes
        refused.put("all accounts", rita.get("/accounts"));
        refused.put("status", sam.get("/status"));
        refused.put("switch", rita.put("/connectivity", "{\"enabled\":false}"));
        refused.put("outbox", sam.get("/outbox"));
        refused.put("triage", rita.get("/triage"));
        refused.put("quarantine", sam.get("/quarantine"));
        // No identity from a parameter
        refused.put("?user=", rita.get("/accounts/sam?user=rita"));
        refused.forEach((what, a) -> {
            assertEquals(what + ": " + a.body(), 403, a.status());
            assertTrue(what + ": " + a.body(), a.body().contains("\"error\":\"Not allowed"));
        });
        assertTrue("sam is still connected", settings.get("sam").isPresent());
        assertEquals("sam@self.test", settings.get("sam").orElseThrow().emailAddress());
        assertTrue("the switch is still on", connectivity.isEnabled());

        // Operators reach everyone; a Karaf user with neither role nobody
        assertEquals(200, admin.get("/accounts/sam").status());
        assertEquals(200, admin.get("/status").status());
        assertEquals(401, web.basic("viewer", "viewer-pass").get("/accounts/viewer").status());
        assertEquals(401, web.basic("rita", "wrong").get("/accounts/rita").status());

        // Tokens that are not right: 401 with what is wrong, never a way in
        Answer expired = web.bearer(token("sam", "talentats-email", Instant.now().minusSeconds(120)))
                .get("/accounts/sam");
        assertEquals(401, expired.status());
        assertTrue(expired.body(), expired.body().contains("expired"));
        Answer forged = web.bearer(Http.jwt("another-secret-of-at-least-32-characters!", "{\"sub\":\"sam\","
                + "\"aud\":\"talentats-email\",\"exp\":" + Instant.now().plusSeconds(60).getEpochSecond() + "}"))
                .get("/accounts/sam");
        assertEquals(401, forged.status());
        assertTrue(forged.body(), forged.body().contains("signature"));
        Answer audience = web.bearer(token("sam", "some-other-app", Instant.now().plusSeconds(60)))
                .get("/accounts/sam");
        assertEquals(401, audience.status());
        assertTrue(audience.body(), audience.body().contains("audience"));
        Answer forever = web.bearer(token("sam", "talentats-email", Instant.now().plus(Duration.ofDays(365))))
                .get("/accounts/sam");
        assertEquals(401, forever.status());
        // Headers no library would write: a refusal (401) saying what is wrong, never a 500
        String claims = "{\"sub\":\"sam\",\"aud\":\"talentats-email\",\"exp\":"
                + Instant.now().plusSeconds(60).getEpochSecond() + "}";
        for (String header : new String[] {"{\"alg\":null}", "{\"alg\":{}}", "{\"alg\":[\"HS256\"]}",
                "{\"alg\":\"HS256\",\"crit\":[\"exp\"]}", "{\"alg\":\"HS256\",\"crit\":null}"}) {
            Answer odd = web.bearer(Http.handSignedJwt(SECRET, header, claims)).get("/accounts/sam");
            assertEquals(header + ": " + odd.body(), 401, odd.status());
            assertTrue(odd.body(), odd.body().contains("The bearer token"));
        }

        // A page on another site cannot use the browser's login to change anything; a token is not ambient
        Answer crossSite = rita.with("Origin", "https://evil.example").delete("/accounts/rita");
        assertEquals(crossSite.body(), 403, crossSite.status());
        assertTrue(settings.get("rita").isPresent());
        assertEquals(200, rita.with("Origin", "https://evil.example").get("/accounts/rita").status());
        Answer form = rita.call("POST", "/accounts/rita/test", null); // no JSON: the stored settings
        assertEquals(200, form.status());
    }

    @Test
    public void aPasswordChangedAtTheServerIsFoundTheRecruiterToldOnceAndRecoveryIsOneEvent() throws Exception {
        String address = "hana-" + UUID.randomUUID() + "@self.test";
        String user = connect("hana-" + UUID.randomUUID(), address);
        List<Event> health = collect(EmailEvents.ACCOUNT_HEALTH);
        withGreenMail(() -> mail.greenMail().getUserManager().getUserByEmail(address).setPassword("changed-by-it"));

        await("the re-check finds the changed password", Duration.ofSeconds(30), () -> settings.get(user)
                .map(a -> a.health().state() == AccountHealth.State.AUTHENTICATION_FAILING).orElse(false));
        MimeMessage notice = awaitReceived(address, NOTICE);
        String text = text(notice);
        assertTrue(text, text.contains("no longer accepts the password"));
        assertTrue(text, text.contains("https://ats.example.com/talentats-email/ui/index.html?user=" + user));
        assertTrue(String.valueOf(notice.getFrom()[0]).contains("platform.test"));

        // (The collector may find the refusal first, at its next login; the re-check records its own test.)
        await("a failed re-check", Duration.ofSeconds(30), () -> {
            var v = settings.get(user).orElseThrow().lastVerification();
            return v != null && !v.passed();
        });
        // More re-checks fail the same way; still one notice
        Instant before = settings.get(user).orElseThrow().lastVerification().at();
        await("two more re-checks", Duration.ofSeconds(30), () -> settings.get(user).orElseThrow()
                .lastVerification().at().isAfter(before.plusSeconds(3)));
        assertEquals(1, count(mail.greenMail(), address, NOTICE));
        assertTrue(history.forUser(user, new io.talentats.email.api.PageRequest(0, 50)).items().stream()
                .anyMatch(m -> m.kind() == MessageKind.ACCOUNT_NOTICE && m.status() == MessageStatus.SENT));

        // The password works again at the server: the next re-check records it, one "working again" event
        withGreenMail(() -> mail.greenMail().getUserManager().getUserByEmail(address).setPassword(PASSWORD));
        await("healthy again", Duration.ofSeconds(30), () -> settings.get(user).orElseThrow().health().isHealthy());
        await("the recovery event", Duration.ofSeconds(10), () -> healthEvents(health, user, "HEALTHY") == 1);
        assertEquals(1, healthEvents(health, user, "AUTHENTICATION_FAILING"));
        assertTrue(settings.get(user).orElseThrow().enabled());
        assertEquals(1, count(mail.greenMail(), address, NOTICE));
    }

    @Test
    public void anAccountFailingLongerThanPauseAfterIsPausedAndTheRecruiterTold() throws Exception {
        // Shorter than the class's 40 s (which the other tests' failing accounts must stay below), changed while
        // Karaf runs as an operator would: the watch takes the new value without a restart.
        setConfig("io.talentats.email.health", "pause.after", "PT8S");
        try {
            String address = "ivo-" + UUID.randomUUID() + "@self.test";
            String user = connect("ivo-" + UUID.randomUUID(), address);
            Instant broken = Instant.now();
            withGreenMail(() -> mail.greenMail().getUserManager().getUserByEmail(address).setPassword("gone"));
            await("paused", Duration.ofSeconds(60), () -> !settings.get(user).orElseThrow().enabled());
            assertTrue("not paused before pause.after", Duration.between(broken, Instant.now()).toSeconds() >= 8);
            MimeMessage paused = awaitReceived(address, "Your mailbox connection was paused");
            assertTrue(text(paused).contains("stopped trying"));
            assertEquals(1, count(mail.greenMail(), address, NOTICE));
            // A paused account is no longer re-checked (re-checks are every 2 s)
            Instant last = settings.get(user).orElseThrow().lastVerification().at();
            Instant until = Instant.now().plusSeconds(5);
            await("five seconds", Duration.ofSeconds(10), () -> Instant.now().isAfter(until));
            assertEquals(last, settings.get(user).orElseThrow().lastVerification().at());
            assertFalse(settings.get(user).orElseThrow().enabled());
        } finally {
            setConfig("io.talentats.email.health", "pause.after", "PT40S");
        }
    }

    /** The text of a received message, read with the mail bundle's class loader as MIME parsing needs. */
    private String text(MimeMessage m) throws Exception {
        return sessions.call(() -> {
            try {
                return String.valueOf(m.getContent());
            } catch (java.io.IOException e) {
                throw new jakarta.mail.MessagingException("unreadable", e);
            }
        });
    }

    private static long healthEvents(List<Event> events, String user, String state) {
        return events.stream().filter(e -> user.equals(e.getProperty(EmailEvents.USER_ID))
                && state.equals(e.getProperty(EmailEvents.HEALTH))).count();
    }

    private void withGreenMail(Runnable r) {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(sessions.classLoader());
        try {
            r.run();
        } finally {
            t.setContextClassLoader(before);
        }
    }
}
