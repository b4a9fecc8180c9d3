package io.talentats.email.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import com.google.gson.JsonArray;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the API has shown is in the database for good: a reply collected and shown is still there after a
 * {@code kill -9} of Karaf and after a clean {@code bin/stop}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DurabilityE2E {

    private SandboxKaraf karaf;
    private Api api;

    @BeforeAll
    void start() throws Exception {
        karaf = SandboxKaraf.start("durability");
        api = new Api(karaf.base());
    }

    @AfterAll
    void stop() {
        if (karaf != null) {
            karaf.close();
        }
    }

    private int inbound(String thread) {
        JsonArray items = api.get("/threads/" + thread + "/messages?limit=100").object().getAsJsonArray("items");
        int n = 0;
        for (var e : items) {
            if ("INBOUND".equals(e.getAsJsonObject().get("direction").getAsString())) {
                n++;
            }
        }
        return n;
    }

    private void sendAndCollectReply(String thread, String subject) throws Exception {
        Api.Response sent = api.post("/messages", "{\"senderUserId\":\"dora\",\"kind\":\"CUSTOM\","
                + "\"to\":[\"candidate@sandbox.test\"],\"subject\":\"" + subject + "\",\"textBody\":\"Hello\","
                + "\"threadId\":\"" + thread + "\"}");
        assertThat(sent.status()).as("%s", sent).isEqualTo(202);
        String id = sent.object().get("messageId").getAsString();
        karaf.await(Duration.ofSeconds(30), "the message to be sent",
                () -> "SENT".equals(api.get("/messages/" + id).object().get("status").getAsString()));
        int before = inbound(thread);
        new CandidateMail(karaf).reply(subject, "Reply to " + subject);
        karaf.await(Duration.ofSeconds(60), "the reply in the thread", () -> inbound(thread) == before + 1);
    }

    @Test
    void repliesShownSurviveKillNineAndACleanStop() throws Exception {
        Api.Response saved = api.put("/accounts/dora", "{\"emailAddress\":\"recruiter@sandbox.test\","
                + "\"password\":\"sandbox\",\"smtpHost\":\"127.0.0.1\",\"smtpPort\":" + karaf.smtpPort
                + ",\"smtpSecurity\":\"NONE\",\"imapHost\":\"127.0.0.1\",\"imapPort\":" + karaf.imapPort
                + ",\"imapSecurity\":\"NONE\"}");
        assertThat(saved.status()).as("%s", saved).isEqualTo(200);

        sendAndCollectReply("durable-1", "Before the kill");
        karaf.restart(true);
        assertThat(inbound("durable-1")).as("after kill -9").isEqualTo(1);

        sendAndCollectReply("durable-2", "Before the stop");
        karaf.restart(false);
        assertThat(inbound("durable-1")).as("after bin/stop").isEqualTo(1);
        assertThat(inbound("durable-2")).as("after bin/stop").isEqualTo(1);
        assertThat(api.get("/accounts/dora").status()).as("the account too").isEqualTo(200);
    }
}
