package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.talentats.email.api.Account;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.TestStep;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.itests.support.Http;
import io.talentats.email.itests.support.OAuthServer;
import io.talentats.email.providerapi.fakes.FakeMailApis;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Mailboxes reached through Microsoft Graph and the Gmail API, in a real Karaf. Microsoft's OAuth client is
 * {@code auto}: the first sign-in is for SMTP and IMAP, whose SMTP answers {@code 535 5.7.139 … SmtpClientAuthentication
 * is disabled for the Tenant}, so Graph is offered and a second sign-in asks for Graph's scopes. Google's client is
 * {@code gmail-api}. Test Connection reads the profile and the inbox through the API, a message goes out as our MIME
 * through the fake API over HTTPS (no Sent copy of ours), and a candidate's reply added to the fake inbox is collected
 * into its thread; a lost delta link is read again without a double, and the API's throttling is waited out.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ProviderApisIT extends MailTestSupport {

    @Inject
    private ReplyCollector collector;

    private static OAuthServer oauth;
    private static FakeMailApis apis;
    /** The Microsoft 365 tenant's SMTP server: SMTP AUTH is off for it. */
    private static io.talentats.email.itests.support.ScriptedServer tenantSmtp;
    private static int webPort;
    /** The newest access token of each mailbox: the only one the fake APIs take. */
    private static final Map<String, String> CURRENT = new ConcurrentHashMap<>();

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email-web", "talentats-email-greenmail"),
            mavenBundle("io.talentats.email", "provider-apis").classifier("tests").version(VERSION),
            org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut(
                    "etc/users.properties", "karaf", "karaf,admin"),
            etcConfig("io.talentats.email.replies", "api.poll.interval.s", "1"),
            etcConfig("io.talentats.email.replies", "max.backoff.s", "1"),
            etcConfig("io.talentats.email.router", "retry.initial.delay.ms", "300"),
            org.ops4j.pax.exam.CoreOptions.systemProperty("fixtures").value(new java.io.File(
                    "../bundles/replies/src/test/resources/classifier").getAbsolutePath())
        };
    }

    @Before
    public void apis() throws Exception {
        if (apis != null) {
            return;
        }
        oauth = OAuthServer.start();
        oauth.client("ms-client", "ms-secret");
        oauth.client("google-client", "google-secret");
        oauth.onToken(CURRENT::put);
        apis = new FakeMailApis(certs.sslContext(), token -> CURRENT.containsValue(token), "localhost");
        setConfig("io.talentats.email.providerapis", "graph.url", apis.base().toString());
        setConfig("io.talentats.email.providerapis", "gmail.url", apis.base().toString());
        webPort = Integer.parseInt(String.valueOf(config("org.ops4j.pax.web").get("org.osgi.service.http.port")));
        tenantSmtp = io.talentats.email.itests.support.ScriptedServer.speaking(
                io.talentats.email.itests.support.SmtpScripts.refusingLogin("535 5.7.139 Authentication unsuccessful, "
                        + "SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled "
                        + "for more information. [SN7P220CA0013]"), certs.sslContext().getServerSocketFactory());
        // The tenant's SMTP refuses every login; IMAP is never reached (its port is closed)
        oauthPreset("graph-microsoft", "graph.test", "microsoft", tenantSmtp.port(), 1);
        oauthPreset("api-google", "gapi.test", "google", 1, 1);
        client("microsoft", "ms-client", "ms-secret", "auto");
        client("google", "google-client", "google-secret", "gmail-api");
        await("both sign-ins offered", Duration.ofSeconds(15), () -> signIns().size() == 2);
    }

    private List<?> signIns() {
        return context.getService(context.getServiceReference(io.talentats.email.api.OAuthSignIns.class)).options();
    }

    private void client(String provider, String id, String secret, String access) throws Exception {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("provider", provider);
        p.put("client.id", id);
        p.put("client.secret", secret);
        p.put("callback.base.url", "http://localhost:" + webPort);
        p.put("mail.access", access);
        p.put("authorization.url", oauth.base(provider) + "/authorize");
        p.put("token.url", oauth.base(provider) + "/token");
        p.put("revocation.url", oauth.base(provider) + "/revoke");
        configAdmin.getFactoryConfiguration("io.talentats.email.oauth.client", provider, "?").update(p);
    }

    /**
     * Signs a new recruiter in through the REST API, the provider's consent and the callback; returns the user. With
     * Microsoft, the first sign-in meets the tenant's SMTP AUTH switched off and Graph is offered: the second, the
     * one the page's offer starts, connects through Graph.
     */
    private String signIn(String provider, String presetId, String address, List<String> scopesAsked)
            throws Exception {
        String user = "api-" + UUID.randomUUID();
        apis.address = address;
        boolean offered = provider.equals("microsoft");
        Map<String, String> page = signInOnce(user, provider, presetId, address, null,
                offered ? new java.util.ArrayList<>() : scopesAsked);
        if (offered) {
            assertEquals(page.toString(), "api-offered", page.get("oauth"));
            assertEquals("microsoft/graph", page.get("offer"));
            assertEquals("an SMTP and IMAP account until the recruiter takes the offer", Account.SMTP_IMAP,
                    settings.get(user).orElseThrow().mailAccess());
            page = signInOnce(user, provider, presetId, address, "graph", scopesAsked);
        }
        assertEquals(page.toString(), "connected", page.get("oauth"));
        return user;
    }

    /** One sign-in; returns the query of the page the browser is sent back to. */
    private Map<String, String> signInOnce(String user, String provider, String presetId, String address,
            String mailAccess, List<String> scopesAsked) throws Exception {
        oauth.nextLogin(address);
        Http recruiter = Http.at("http://localhost:" + webPort + "/talentats-email/api").basic("karaf", "karaf");
        Http.Answer started = recruiter.post("/accounts/" + user + "/oauth", "{\"provider\":\"" + provider
                + "\",\"presetId\":\"" + presetId + "\"" + (mailAccess == null ? "" : ",\"mailAccess\":\""
                        + mailAccess + "\"") + "}");
        assertEquals(started.body(), 200, started.status());
        String url = started.body().replaceAll(".*\"authorizationUrl\"\\s*:\\s*\"([^\"]+)\".*", "$1")
                .replace("\\u0026", "&").replace("\\u003d", "=");
        scopesAsked.addAll(List.of(OAuthServer.query(URI.create(url)).get("scope").split(" ")));
        Http.Answer consent = Http.at(url).get("");
        assertEquals(302, consent.status());
        Http.Answer back = Http.at(consent.location()).basic("karaf", "karaf").get("");
        assertEquals(back.body(), 302, back.status());
        String location = back.location();
        return OAuthServer.query(URI.create(location.startsWith("/") ? "http://localhost" + location : location));
    }

    private WatcherStatus watcher(String user) {
        return collector.watchers().stream().filter(w -> w.userId().equals(user)).findFirst().orElse(null);
    }

    private static byte[] reply(String from, String to, String subject, String inReplyTo) {
        return ("From: " + from + "\r\nTo: " + to + "\r\nMessage-ID: <" + UUID.randomUUID() + "@candidates.test>\r\n"
                + "In-Reply-To: " + inReplyTo + "\r\nReferences: " + inReplyTo + "\r\nSubject: " + subject
                + "\r\nDate: Tue, 8 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n\r\nThursday suits me, thank you.\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The MIME as Jakarta Mail reads it (with the mail bundles' class loader, where its providers are). */
    private MimeMessage parse(byte[] mime) throws Exception {
        return sessions.call(() -> {
            MimeMessage m = new MimeMessage((Session) null, new ByteArrayInputStream(mime));
            m.getSubject();
            return m;
        });
    }

    /** One of the classifier's fixtures, about our message {@code about} (its Message-ID put in). */
    private static byte[] fixture(String name, MessageRecord about) throws java.io.IOException {
        return Files.readString(java.nio.file.Paths.get(System.getProperty("fixtures"), name + ".eml"),
                StandardCharsets.UTF_8).replace("<abcdefghijklmnopqrstuvwxyz.t@ats.example.com>",
                        about.internetMessageId()).getBytes(StandardCharsets.UTF_8);
    }

    private MessageRecord sent(String user, String to, String thread) throws Exception {
        return awaitStatus(router().submit(message(user, MessageKind.CUSTOM, to).threadId(thread).build())
                .messageId(), MessageStatus.SENT);
    }

    private long inbound(String thread) {
        return history.forThread(thread, PageRequest.first(50)).items().stream()
                .filter(r -> r.direction() == MessageRecord.Direction.INBOUND).count();
    }

    @Test
    public void aMicrosoft365MailboxSendsAndCollectsThroughGraph() throws Exception {
        String address = "rita-" + UUID.randomUUID().toString().substring(0, 8) + "@graph.test";
        List<String> scopes = new java.util.ArrayList<>();
        String user = signIn("microsoft", "graph-microsoft", address, scopes);
        assertTrue(scopes.toString(), scopes.containsAll(List.of("https://graph.microsoft.com/Mail.Send",
                "https://graph.microsoft.com/Mail.Read", "offline_access", "openid", "email")));
        assertFalse("no IMAP or SMTP scope asked for", scopes.contains("mail"));

        Account a = settings.get(user).orElseThrow();
        assertEquals(Account.GRAPH, a.mailAccess());
        assertTrue("Test Connection through Graph: " + a.lastVerification(), a.lastVerification().passed());
        assertTrue(a.lastVerification().summary(), a.lastVerification().summary().contains(TestStep.API_PROFILE.name()));
        await("polled through Graph", Duration.ofSeconds(20),
                () -> watcher(user) != null && watcher(user).mode() == WatcherStatus.Mode.POLL);

        String thread = "t-" + UUID.randomUUID();
        int before = apis.graphSent.size();
        MessageRecord out = awaitStatus(router().submit(message(user, MessageKind.CUSTOM, "carl@candidates.test")
                .threadId(thread).subject("Your interview").build()).messageId(), MessageStatus.SENT);
        assertEquals(before + 1, apis.graphSent.size());
        MimeMessage sent = parse(apis.graphSent.get(before));
        assertEquals("our MIME as it is, with our Message-ID", out.internetMessageId(), sent.getMessageID());
        assertEquals("Your interview", sent.getSubject());
        assertTrue(apis.requests.stream().anyMatch(r -> r.startsWith("POST /me/sendMail")));
        assertEquals("Graph files the Sent copy itself", MessageRecord.SentCopy.SKIPPED, history.find(out.id())
                .orElseThrow().sentCopy());

        apis.graphReceive(reply("Carl <carl@candidates.test>", address, "Re: Your interview",
                out.internetMessageId()));
        await("the reply collected into its thread", Duration.ofSeconds(20), () -> inbound(thread) == 1);

        // The delta link is lost: the inbox is read again from the checkpoint's time, the reply not doubled
        String cursor = apis.requests.stream().filter(r -> r.contains("$deltatoken=")).reduce((x, y) -> y)
                .orElseThrow();
        apis.expiredDeltaTokens.add(cursor.substring(cursor.indexOf("$deltatoken=") + 12));
        apis.graphReceive(reply("Carl <carl@candidates.test>", address, "Re: Your interview",
                out.internetMessageId()));
        await("the second reply collected", Duration.ofSeconds(20), () -> inbound(thread) == 2);
        await("read again from a time", Duration.ofSeconds(20), () -> apis.requests.stream().filter(r -> r.contains(
                "receivedDateTime")).count() >= 2);
        assertEquals("nothing doubled", 2, inbound(thread));
        assertEquals(2, watcher(user).repliesCollected());

        // Throttled: no request to the mailbox before the API's Retry-After has passed, then the message goes
        String throttled = "{\"error\":{\"code\":\"ApplicationThrottled\",\"message\":\"Application is over its "
                + "MailboxConcurrency limit.\"}}";
        apis.failNextFor.add(new Object[] {"POST /me/sendMail", 429, "2", throttled});
        apis.failNextFor.add(new Object[] {"POST /me/sendMail", 429, "2", throttled});
        int from = apis.requests.size();
        MessageRecord later = awaitStatus(router().submit(message(user, MessageKind.CUSTOM, "carl@candidates.test")
                .threadId(thread).subject("Your interview, confirmed").build()).messageId(), MessageStatus.SENT);
        assertNotNull(later.internetMessageId());
        List<java.time.Instant> sends = new java.util.ArrayList<>();
        synchronized (apis.requests) {
            for (int i = from; i < apis.requests.size(); i++) {
                if (apis.requests.get(i).startsWith("POST /me/sendMail")) {
                    sends.add(apis.arrivals.get(i));
                }
            }
        }
        assertEquals("two refused, the third taken: " + sends, 3, sends.size());
        assertTrue("the Retry-After was honoured: " + sends, Duration.between(sends.get(0), sends.get(1))
                .compareTo(Duration.ofMillis(1900)) >= 0 && Duration.between(sends.get(1), sends.get(2))
                        .compareTo(Duration.ofMillis(1900)) >= 0);
        assertTrue("throttling is no health problem", settings.get(user).orElseThrow().health().isHealthy());
    }

    @Test
    public void aGoogleWorkspaceMailboxWithoutImapSendsAndCollectsThroughTheGmailApi() throws Exception {
        String address = "gina-" + UUID.randomUUID().toString().substring(0, 8) + "@gapi.test";
        List<String> scopes = new java.util.ArrayList<>();
        String user = signIn("google", "api-google", address, scopes);
        assertTrue(scopes.toString(), scopes.containsAll(List.of("https://www.googleapis.com/auth/gmail.send",
                "https://www.googleapis.com/auth/gmail.readonly")));
        Account a = settings.get(user).orElseThrow();
        assertEquals(Account.GMAIL_API, a.mailAccess());
        assertTrue("Test Connection through the Gmail API: " + a.lastVerification(), a.lastVerification().passed());
        await("polled through the Gmail API", Duration.ofSeconds(20),
                () -> watcher(user) != null && watcher(user).mode() == WatcherStatus.Mode.POLL);

        String thread = "t-" + UUID.randomUUID();
        int before = apis.gmailSent.size();
        MessageRecord out = awaitStatus(router().submit(message(user, MessageKind.CUSTOM, "dana@candidates.test")
                .threadId(thread).subject("Your application").build()).messageId(), MessageStatus.SENT);
        assertEquals(before + 1, apis.gmailSent.size());
        MimeMessage sent = parse(apis.gmailSent.get(before));
        assertEquals(out.internetMessageId(), sent.getMessageID());

        apis.gmailReceive(reply("Dana <dana@candidates.test>", address, "Re: Your application",
                out.internetMessageId()), java.time.Instant.now(), "INBOX", "UNREAD");
        await("the reply collected into its thread", Duration.ofSeconds(20), () -> inbound(thread) == 1);
        MessageRecord in = history.forThread(thread, PageRequest.first(10)).items().stream()
                .filter(r -> r.direction() == MessageRecord.Direction.INBOUND).findFirst().orElseThrow();
        assertEquals("Re: Your application", in.subject());

        // Gmail no longer keeps the history id the mailbox is read from: read again from the checkpoint's time
        apis.oldestHistoryKept = Long.MAX_VALUE;
        apis.gmailReceive(reply("Dana <dana@candidates.test>", address, "Re: Your application",
                out.internetMessageId()), java.time.Instant.now(), "INBOX");
        await("the second reply collected after the history was lost", Duration.ofSeconds(20),
                () -> inbound(thread) == 2);
        await("read again from a time", Duration.ofSeconds(20), () -> apis.requests.stream().anyMatch(
                r -> r.startsWith("GET /gmail/v1/users/me/messages?") && r.contains("after")));
        assertEquals("nothing doubled", 2, inbound(thread));
        apis.oldestHistoryKept = 1;
        assertTrue("read only: nothing sent to the mailbox but reads and the send", apis.requests.stream()
                .filter(r -> r.contains("/gmail/")).allMatch(r -> r.startsWith("GET ") || r.startsWith(
                        "POST /upload/gmail/v1/users/me/messages/send")));
    }

    @Test
    public void bouncesAndOutOfOfficeRepliesReadThroughTheApisAreClassifiedAsOverImap() throws Exception {
        String ms = signIn("microsoft", "graph-microsoft", "ned-" + UUID.randomUUID().toString().substring(0, 8)
                + "@graph.test", new java.util.ArrayList<>());
        String bounced = "t-" + UUID.randomUUID();
        String away = "t-" + UUID.randomUUID();
        MessageRecord toUnknown = sent(ms, "nobody@candidates.test", bounced);
        MessageRecord toAway = sent(ms, "sam@candidates.test", away);
        apis.graphReceive(fixture("bounce-exchange-online-recipient-not-found", toUnknown));
        apis.graphReceive(fixture("ooo-exchange-en", toAway));
        await("BOUNCED through Graph", Duration.ofSeconds(20), () -> history.find(toUnknown.id()).orElseThrow()
                .status() == MessageStatus.BOUNCED);
        await("the out-of-office reply in its thread", Duration.ofSeconds(20), () -> inbound(away) == 1);
        assertEquals(MessageKind.AUTO_REPLY, history.forThread(away, PageRequest.first(10)).items().stream()
                .filter(r -> r.direction() == MessageRecord.Direction.INBOUND).findFirst().orElseThrow().kind());
        assertEquals("a bounce or an automatic answer is nobody's reply", 0, watcher(ms).repliesCollected());

        String google = signIn("google", "api-google", "gus-" + UUID.randomUUID().toString().substring(0, 8)
                + "@gapi.test", new java.util.ArrayList<>());
        String gBounced = "t-" + UUID.randomUUID();
        String gAway = "t-" + UUID.randomUUID();
        MessageRecord gUnknown = sent(google, "nobody@candidates.test", gBounced);
        MessageRecord gToAway = sent(google, "sam@candidates.test", gAway);
        apis.gmailReceive(fixture("bounce-gmail-no-such-user", gUnknown), java.time.Instant.now(), "INBOX");
        apis.gmailReceive(fixture("ooo-gmail-vacation", gToAway), java.time.Instant.now(), "INBOX");
        await("BOUNCED through the Gmail API", Duration.ofSeconds(20), () -> history.find(gUnknown.id())
                .orElseThrow().status() == MessageStatus.BOUNCED);
        await("the vacation reply in its thread", Duration.ofSeconds(20), () -> inbound(gAway) == 1);
    }

    @Test
    public void aMessageOverGraphsRequestLimitGoesAsADraftWithAnUploadedAttachment() throws Exception {
        String user = signIn("microsoft", "graph-microsoft", "una-" + UUID.randomUUID().toString().substring(0, 8)
                + "@graph.test", new java.util.ArrayList<>());
        byte[] cv = new byte[6 * 1024 * 1024];
        new java.util.Random(7).nextBytes(cv);
        int drafts = apis.drafts.size();
        MessageRecord out = awaitStatus(router().submit(message(user, MessageKind.CUSTOM, "carl@candidates.test")
                .threadId("t-" + UUID.randomUUID()).attach(new io.talentats.email.api.Attachment("portfolio.pdf",
                        "application/pdf", cv)).build()).messageId(), MessageStatus.SENT);
        assertEquals(drafts + 1, apis.drafts.size());
        FakeMailApis.Draft d = apis.drafts.values().stream().filter(x -> {
            try {
                return out.internetMessageId().equals(parse(x.mime).getMessageID());
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow();
        assertTrue("sent", d.sent);
        assertEquals(List.of("portfolio.pdf"), d.names);
        assertTrue("the attachment whole, as uploaded", java.util.Arrays.equals(cv, d.attachments.get(0)));
        assertTrue("through an upload session", apis.requests.stream().anyMatch(r -> r.contains(
                "/attachments/createUploadSession")));
    }
}
