package io.talentats.email.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The REST API of the running sandbox distribution, through an HTTP client: what the host ATS and the settings page
 * call. Mail goes through the sandbox's real SMTP and IMAP server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiE2E {

    private SandboxKaraf karaf;
    private Api api;

    @BeforeAll
    void start() throws Exception {
        karaf = SandboxKaraf.start("rest");
        api = new Api(karaf.base());
    }

    @AfterAll
    void stop() {
        if (karaf != null) {
            karaf.close();
        }
    }

    private String recruiter(String password) {
        return "{\"emailAddress\":\"recruiter@sandbox.test\",\"password\":\"" + password + "\","
                + "\"displayName\":\"Rita Recruiter\",\"smtpHost\":\"127.0.0.1\",\"smtpPort\":" + karaf.smtpPort
                + ",\"smtpSecurity\":\"NONE\",\"imapHost\":\"127.0.0.1\",\"imapPort\":" + karaf.imapPort
                + ",\"imapSecurity\":\"NONE\"}";
    }

    private void connect(String userId) {
        Api.Response saved = api.put("/accounts/" + userId, recruiter("sandbox"));
        assertThat(saved.status()).as("%s", saved).isEqualTo(200);
    }

    @Test
    void presetsAndLookupByAddress() {
        Api.Response all = api.get("/presets");
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().getAsJsonArray()).extracting(e -> e.getAsJsonObject().get("id").getAsString())
                .contains("gmail", "outlook", "yahoo", "microsoft365");

        Api.Response gmail = api.get("/presets?address=jane@googlemail.com");
        assertThat(gmail.status()).isEqualTo(200);
        assertThat(gmail.object().get("id").getAsString()).isEqualTo("gmail");
        assertThat(gmail.object().getAsJsonObject("smtp").get("port").getAsInt()).isEqualTo(465);

        Api.Response unknown = api.get("/presets?address=jane@unknown-company.example");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.object().get("error").getAsString()).contains("No preset known");
    }

    @Test
    void accountIsValidatedTestedSavedMaskedAndDisconnected() {
        assertThat(api.get("/accounts/sam").status()).isEqualTo(404);

        Api.Response invalid = api.put("/accounts/sam",
                "{\"emailAddress\":\"sam-at-example\",\"smtpHost\":\"smtp.example.com\",\"smtpPort\":70000,"
                        + "\"smtpSecurity\":\"SSL_TLS\",\"imapHost\":\"imap.example.com\",\"imapPort\":993,"
                        + "\"imapSecurity\":\"SSL_TLS\",\"password\":\"x\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(fields(invalid)).containsKeys("emailAddress", "smtp.port");
        assertThat(fields(invalid).get("smtp.port")).contains("between 1 and 65535");
        assertThat(api.get("/accounts/sam").status()).as("nothing saved").isEqualTo(404);

        Api.Response wrong = api.post("/accounts/sam/test", recruiter("not-the-password"));
        assertThat(wrong.status()).isEqualTo(200);
        assertThat(wrong.object().get("passed").getAsBoolean()).isFalse();
        JsonObject smtp = wrong.object().getAsJsonArray("steps").get(0).getAsJsonObject();
        assertThat(smtp.get("step").getAsString()).isEqualTo("SMTP");
        assertThat(smtp.get("failure").getAsString()).isEqualTo("AUTHENTICATION_FAILED");
        assertThat(smtp.getAsJsonArray("advice").toString()).contains("password");

        Api.Response ok = api.post("/accounts/sam/test", recruiter("sandbox"));
        assertThat(ok.object().get("passed").getAsBoolean()).as("%s", ok).isTrue();
        assertThat(ok.object().getAsJsonArray("steps")).hasSize(2);

        Api.Response saved = api.put("/accounts/sam", recruiter("sandbox"));
        assertThat(saved.status()).isEqualTo(200);
        assertThat(saved.object().get("passwordSet").getAsBoolean()).isTrue();
        assertThat(saved.raw().body()).doesNotContain("\"password\"").doesNotContain("sandbox\"");

        // Changing the port without the password keeps the stored one
        Api.Response edited = api.put("/accounts/sam", recruiter("sandbox").replace(",\"password\":\"sandbox\"", "")
                .replace("Rita Recruiter", "Rita R."));
        assertThat(edited.status()).as("%s", edited).isEqualTo(200);
        Api.Response stored = api.post("/accounts/sam/test?stored=true", "");
        assertThat(stored.object().get("passed").getAsBoolean()).as("%s", stored).isTrue();
        // No body at all, no Content-Type (curl -X POST): the stored settings too; an unknown user is a 404.
        Api.Response bare = api.send("POST", "/accounts/sam/test", null, null);
        assertThat(bare.status()).as("%s", bare).isEqualTo(200);
        assertThat(bare.object().get("passed").getAsBoolean()).isTrue();
        Api.Response ghost = api.send("POST", "/accounts/ghost-" + System.nanoTime() + "/test", null, null);
        assertThat(ghost.status()).as("%s", ghost).isEqualTo(404);
        assertThat(ghost.object().get("error").getAsString()).contains("has no email account connected");

        Api.Response got = api.get("/accounts/sam");
        assertThat(got.object().get("displayName").getAsString()).isEqualTo("Rita R.");
        assertThat(got.object().getAsJsonObject("lastVerification").get("passed").getAsBoolean()).isTrue();

        assertThat(api.delete("/accounts/sam").status()).isEqualTo(204);
        assertThat(api.get("/accounts/sam").status()).isEqualTo(404);
        assertThat(api.delete("/accounts/sam").status()).isEqualTo(404);
    }

    @Test
    void customMessageGoesOutThroughTheRecruitersMailboxAndTheReplyLandsInTheThread() throws Exception {
        connect("rita");
        Api.Response sent = api.post("/messages", "{\"senderUserId\":\"rita\",\"kind\":\"CUSTOM\","
                + "\"to\":[\"candidate@sandbox.test\"],\"subject\":\"Portfolio review\",\"textBody\":\"Hi Carl, "
                + "can you send your portfolio?\",\"threadId\":\"rest-thread-1\",\"candidateId\":\"carl\"}");
        assertThat(sent.status()).as("%s", sent).isEqualTo(202);
        String id = sent.object().get("messageId").getAsString();
        assertThat(sent.object().get("route").getAsString()).isEqualTo("USER_SMTP");
        assertThat(sent.header("Location")).endsWith("/api/messages/" + id);

        karaf.await(Duration.ofSeconds(30), "the message to be sent",
                () -> "SENT".equals(api.get("/messages/" + id).object().get("status").getAsString()));
        Api.Response message = api.get("/messages/" + id);
        assertThat(message.object().get("from").getAsString()).contains("recruiter@sandbox.test");
        assertThat(message.object().getAsJsonArray("events")).isNotEmpty();

        CandidateMail candidate = new CandidateMail(karaf);
        assertThat(candidate.subjects()).contains("Portfolio review");
        candidate.reply("Portfolio review", "Here it is: https://carl.example/portfolio");

        karaf.await(Duration.ofSeconds(60), "the reply to appear in the thread",
                () -> api.get("/threads/rest-thread-1/messages").object().get("total").getAsInt() == 2);
        JsonArray items = api.get("/threads/rest-thread-1/messages").object().getAsJsonArray("items");
        JsonObject reply = items.get(0).getAsJsonObject();
        assertThat(reply.get("direction").getAsString()).isEqualTo("INBOUND");
        assertThat(reply.get("subject").getAsString()).isEqualTo("Re: Portfolio review");
        assertThat(reply.get("textBody").getAsString()).contains("carl.example/portfolio");

        JsonObject status = api.get("/status").object();
        JsonObject rita = account(status, "rita");
        assertThat(rita.getAsJsonObject("watcher").get("mode").getAsString()).isIn("IDLE", "POLL");
        assertThat(rita.getAsJsonObject("watcher").get("lastReplyAt")).isNotNull();
    }

    @Test
    void badRequestsGetStatusCodesAndMessagesThatSayWhatToFix() {
        Api.Response invalid = api.post("/messages", "{\"senderUserId\":\"rita\",\"kind\":\"CUSTOM\","
                + "\"to\":[\"not an address\"],\"subject\":\"Hi\\r\\nBcc: x@y.z\",\"textBody\":\"x\"}");
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.object().get("reason").getAsString()).isEqualTo("INVALID_MESSAGE");
        assertThat(fields(invalid)).containsKeys("to", "subject");

        Api.Response notJson = api.post("/messages", "{oops");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.object().get("error").getAsString()).contains("not valid JSON");

        Api.Response form = api.send("POST", "/messages", "senderUserId=rita", "application/x-www-form-urlencoded");
        assertThat(form.status()).isEqualTo(415);

        Api.Response wrongMethod = api.delete("/presets");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET");

        assertThat(api.get("/no-such-thing").status()).isEqualTo(404);
        assertThat(api.get("/messages/no-such-id").status()).isEqualTo(404);
        Api.Response badPage = api.get("/threads/x/messages?limit=100000");
        assertThat(badPage.status()).isEqualTo(400);
        assertThat(fields(badPage)).containsKey("limit");
    }

    @Test
    void theSwitchStopsCustomMailAndKeepsSystemMailGoingThroughThePlatform() {
        connect("vic");
        try {
            assertThat(api.put("/connectivity", "{\"enabled\":\"maybe\"}").status()).isEqualTo(400);
            assertThat(api.put("/connectivity", "{\"enabled\":false}").status()).isEqualTo(200);
            karaf.await(Duration.ofSeconds(20), "connectivity to be off",
                    () -> !api.get("/connectivity").object().get("enabled").getAsBoolean());

            Api.Response custom = api.post("/messages", "{\"senderUserId\":\"vic\",\"kind\":\"CUSTOM\","
                    + "\"to\":[\"candidate@sandbox.test\"],\"subject\":\"While off\",\"textBody\":\"x\"}");
            assertThat(custom.status()).isEqualTo(409);
            assertThat(custom.object().get("reason").getAsString()).isEqualTo("CONNECTIVITY_DISABLED");

            Api.Response stage = api.post("/messages", "{\"senderUserId\":\"vic\",\"kind\":\"STAGE_CHANGE\","
                    + "\"to\":[\"candidate@sandbox.test\"],\"subject\":\"Your application moved on\","
                    + "\"textBody\":\"Good news.\"}");
            assertThat(stage.status()).as("%s", stage).isEqualTo(202);
            assertThat(stage.object().get("route").getAsString()).isEqualTo("PLATFORM");
            String id = stage.object().get("messageId").getAsString();
            karaf.await(Duration.ofSeconds(30), "the platform to send the stage-change mail",
                    () -> "SENT".equals(api.get("/messages/" + id).object().get("status").getAsString()));
            assertThat(api.get("/status").object().get("connectivityEnabled").getAsBoolean()).isFalse();
        } finally {
            api.put("/connectivity", "{\"enabled\":true}");
            karaf.await(Duration.ofSeconds(20), "connectivity to be on again",
                    () -> api.get("/connectivity").object().get("enabled").getAsBoolean());
        }
        Api.Response custom = api.post("/messages", "{\"senderUserId\":\"vic\",\"kind\":\"CUSTOM\","
                + "\"to\":[\"candidate@sandbox.test\"],\"subject\":\"Back on\",\"textBody\":\"x\"}");
        assertThat(custom.status()).isEqualTo(202);
        assertThat(api.delete("/accounts/vic").status()).isEqualTo(204);
        Api.Response noAccount = api.post("/messages", "{\"senderUserId\":\"vic\",\"kind\":\"CUSTOM\","
                + "\"to\":[\"candidate@sandbox.test\"],\"subject\":\"After disconnect\",\"textBody\":\"x\"}");
        assertThat(noAccount.status()).isEqualTo(409);
        assertThat(noAccount.object().get("reason").getAsString()).isEqualTo("ACCOUNT_NOT_CONNECTED");
    }

    @Test
    void withoutTheSandboxsLocalhostExceptionEveryCallNeedsAKarafLoginWithTheRole() throws Exception {
        java.nio.file.Path users = karaf.home.resolve("etc/users.properties");
        java.nio.file.Files.writeString(users, "\nrecruiter-viewer = viewer-pass,viewer\n",
                java.nio.file.StandardOpenOption.APPEND);
        karaf.configure("io.talentats.email.web", Map.of("allow.localhost", "false"));
        try {
            karaf.await(Duration.ofSeconds(30), "the API to ask for a login",
                    () -> api.get("/status").status() == 401);
            Api.Response anonymous = api.get("/accounts");
            assertThat(anonymous.status()).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).startsWith("Basic");
            assertThat(api.as("karaf", "wrong").get("/status").status()).isEqualTo(401);
            assertThat(api.as("recruiter-viewer", "viewer-pass").get("/status").status())
                    .as("a user without the admin role").isEqualTo(401);
            assertThat(api.as("karaf", "karaf").get("/status").status()).isEqualTo(200);
            // The page's own files hold no data and are open (a host ATS embeds them); what they ask is not
            assertThat(karaf.statusCode("GET", "/ui/index.html")).as("the page's files").isEqualTo(200);
            assertThat(api.get("/me").status()).as("the page's first question").isEqualTo(401);
        } finally {
            karaf.configure("io.talentats.email.web", Map.of("allow.localhost", "true"));
            karaf.await(Duration.ofSeconds(30), "the sandbox exception to return",
                    () -> api.get("/status").status() == 200);
        }
        assertThat(karaf.log()).doesNotContain("viewer-pass");
    }

    private static Map<String, String> fields(Api.Response r) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (JsonElement e : r.object().getAsJsonArray("fields")) {
            out.put(e.getAsJsonObject().get("field").getAsString(), e.getAsJsonObject().get("message").getAsString());
        }
        return out;
    }

    private static JsonObject account(JsonObject status, String userId) {
        for (JsonElement e : status.getAsJsonArray("accounts")) {
            if (userId.equals(e.getAsJsonObject().get("userId").getAsString())) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("No account " + userId + " in " + status);
    }
}
