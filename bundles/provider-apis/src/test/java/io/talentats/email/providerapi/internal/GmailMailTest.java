package io.talentats.email.providerapi.internal;

import io.talentats.email.providerapi.fakes.FakeMailApis;
import io.talentats.email.mail.ApiInbox.Changes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sending and reading through the Gmail API against a fake written from its reference. */
class GmailMailTest {

    private final FakeMailApis fake = new FakeMailApis();
    private final GmailMail gmail = new GmailMail(fake.base(), new ApiHttp(ApiFailure.Api.GMAIL,
            HttpClient::newHttpClient, Clock.systemUTC(), Duration.ofSeconds(20)));
    private final MailboxGate gate = new MailboxGate(4);

    GmailMailTest() throws Exception {
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void aMessageIsSentAsOurOwnMimeBytesInAMultipartUpload() throws Exception {
        byte[] mime = GraphMailTest.message("Your interview — Grüße", null);
        assertThat(gmail.send(FakeMailApis.TOKEN, gate, mime)).isEqualTo("sent-1");
        assertThat(fake.gmailSent).singleElement().isEqualTo(mime);
        assertThat(fake.requests).containsExactly("POST /upload/gmail/v1/users/me/messages/send?uploadType=multipart");
    }

    @Test
    void newInboxMessagesAreReadFromTheHistoryIdPageByPageAndOthersLeftOut() throws Exception {
        String start = gmail.historyNow(FakeMailApis.TOKEN, gate);
        byte[] reply = GraphMailTest.message("Re: Your interview", null);
        String r1 = fake.gmailReceive(reply, Instant.now(), "INBOX", "UNREAD");
        fake.gmailReceive(GraphMailTest.message("Draft", null), Instant.now(), "DRAFT");
        String r2 = fake.gmailReceive(GraphMailTest.message("Re: 2", null), Instant.now(), "INBOX");
        String r3 = fake.gmailReceive(GraphMailTest.message("Re: 3", null), Instant.now(), "INBOX", "CATEGORY_PERSONAL");

        Changes c = gmail.changes(FakeMailApis.TOKEN, gate, start);
        assertThat(c.added()).containsExactly(r1, r2, r3);
        assertThat(fake.requests.stream().filter(r -> r.contains("/history?")).count()).as("two pages").isEqualTo(2);
        assertThat(fake.requests.get(1)).contains("labelId=INBOX").contains("historyTypes=messageAdded");
        assertThat(gmail.raw(FakeMailApis.TOKEN, gate, r1)).isEqualTo(reply);
        assertThat(gmail.changes(FakeMailApis.TOKEN, gate, c.cursor()).added()).isEmpty();
    }

    @Test
    void anExpiredHistoryIdAsksForAResyncAndTheResyncReadsFromTheTimeOldestFirst() throws Exception {
        Instant connected = Instant.parse("2026-12-08T09:00:00Z");
        fake.gmailReceive(GraphMailTest.message("Before", null), connected.minusSeconds(60), "INBOX");
        String a = fake.gmailReceive(GraphMailTest.message("After 1", null), connected.plusSeconds(60), "INBOX");
        String b = fake.gmailReceive(GraphMailTest.message("After 2", null), connected.plusSeconds(120), "INBOX");
        fake.oldestHistoryKept = 3;
        assertThatThrownBy(() -> gmail.changes(FakeMailApis.TOKEN, gate, "1"))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.resyncNeeded()).isTrue());

        Changes again = gmail.since(FakeMailApis.TOKEN, gate, connected);
        assertThat(again.added()).containsExactly(a, b);
        assertThat(again.cursor()).isEqualTo("4");
    }

    @Test
    void aMessageOverGmailsLimitIsRefusedBeforeUploading() {
        byte[] huge = new byte[(int) GmailMail.SEND_LIMIT + 1];
        assertThatThrownBy(() -> gmail.send(FakeMailApis.TOKEN, gate, huge))
                .isInstanceOfSatisfying(ApiFailure.class, f -> assertThat(f.failure())
                        .isEqualTo(io.talentats.email.api.FailureClass.MESSAGE_TOO_LARGE));
        assertThat(fake.requests).isEmpty();
    }
}
