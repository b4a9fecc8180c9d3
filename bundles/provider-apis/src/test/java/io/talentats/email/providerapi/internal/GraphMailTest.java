package io.talentats.email.providerapi.internal;

import io.talentats.email.providerapi.fakes.FakeMailApis;
import io.talentats.email.mail.ApiInbox.Changes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.talentats.email.api.FailureClass;
import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.MailConfig;

import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** Sending and reading through Microsoft Graph against a fake written from Graph's reference. */
class GraphMailTest {

    private final FakeMailApis fake = new FakeMailApis();
    private final AngusMailSessions sessions = new AngusMailSessions(Converters.standardConverter()
            .convert(Map.of()).to(MailConfig.class));
    private final ApiHttp http = new ApiHttp(ApiFailure.Api.GRAPH, HttpClient::newHttpClient, Clock.systemUTC(),
            Duration.ofSeconds(20));
    private final GraphMail graph = new GraphMail(fake.base(), http, sessions);
    private final MailboxGate gate = new MailboxGate(4);

    GraphMailTest() throws Exception {
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    static byte[] message(String subject, byte[] attachment) throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties())) {
            @Override
            protected void updateMessageID() throws jakarta.mail.MessagingException {
                setHeader("Message-ID", "<tats-abc123@corp.test>");
            }
        };
        m.setFrom("Rita Recruiter <rita@corp.test>");
        m.setRecipients(MimeMessage.RecipientType.TO, "carl@candidates.test");
        m.setSubject(subject, "UTF-8");
        m.setHeader("References", "<earlier@corp.test>");
        if (attachment == null) {
            m.setText("Dear Carl,\nthank you.", "UTF-8");
        } else {
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Dear Carl,\nplease find the contract.", "UTF-8");
            MimeBodyPart file = new MimeBodyPart();
            file.setContent(attachment, "application/pdf");
            file.setFileName("contract.pdf");
            file.setDisposition(MimeBodyPart.ATTACHMENT);
            MimeMultipart mixed = new MimeMultipart("mixed");
            mixed.addBodyPart(text);
            mixed.addBodyPart(file);
            m.setContent(mixed);
        }
        m.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void aMessageIsSentAsOurOwnMimeBytes() throws Exception {
        byte[] mime = message("Your interview — Grüße", null);
        graph.send(FakeMailApis.TOKEN, gate, mime);
        assertThat(fake.graphSent).singleElement().isEqualTo(mime);
        assertThat(fake.requests).containsExactly("POST /me/sendMail");
    }

    @Test
    void aMessageOverTheRequestLimitGoesAsADraftWithAnUploadedAttachmentAndIsSent() throws Exception {
        byte[] pdf = new byte[6 * 1024 * 1024 + 123];
        new java.util.Random(7).nextBytes(pdf);
        byte[] mime = message("The contract", pdf);
        graph.send(FakeMailApis.TOKEN, gate, mime);

        assertThat(fake.graphSent).isEmpty();
        assertThat(fake.drafts).hasSize(1);
        FakeMailApis.Draft d = fake.drafts.values().iterator().next();
        assertThat(d.sent).isTrue();
        assertThat(d.names).containsExactly("contract.pdf");
        assertThat(d.attachments).singleElement().isEqualTo(pdf);
        assertThat(fake.uploadsWithToken).as("the upload URL gets no bearer token").hasValue(0);
        MimeMessage draft = new MimeMessage(Session.getInstance(new Properties()), FakeMailApis.stream(d.mime));
        assertThat(draft.getMessageID()).as("our Message-ID stays").isEqualTo("<tats-abc123@corp.test>");
        assertThat(draft.getHeader("References", null)).isEqualTo("<earlier@corp.test>");
        assertThat(((Multipart) draft.getContent()).getCount()).isEqualTo(1);
        assertThat(new String(d.mime, StandardCharsets.UTF_8)).contains("please find the contract");
        long chunks = fake.requests.stream().filter(r -> r.startsWith("PUT /upload-session/")).count();
        assertThat(chunks).isEqualTo((pdf.length + GraphMail.CHUNK - 1) / GraphMail.CHUNK);
        assertThat(fake.requests.get(fake.requests.size() - 1)).matches("POST /me/messages/draft-\\d+/send");
    }

    @Test
    void noMoreThanFourRequestsToOneMailboxAtOnce() throws Exception {
        fake.delayMillis = 150;
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                byte[] mime = message("Hello " + i, null);
                sends.add(pool.submit(() -> {
                    graph.send(FakeMailApis.TOKEN, gate, mime);
                    return null;
                }));
            }
            for (Future<?> f : sends) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fake.graphSent).hasSize(10);
        assertThat(fake.maxInFlight.get()).isBetween(2, 4);
    }

    @Test
    void aThrottledMailboxSendsNothingBeforeTheRetryAfterTimeIsOver() throws Exception {
        fake.failNext.add(new Object[] {429, "2", "{\"error\":{\"code\":\"ApplicationThrottled\",\"message\":"
                + "\"Application is over its MailboxConcurrency limit.\"}}"});
        byte[] mime = message("Hello", null);
        ApiFailure throttled = org.junit.jupiter.api.Assertions.assertThrows(ApiFailure.class,
                () -> graph.send(FakeMailApis.TOKEN, gate, mime));
        assertThat(throttled.failure()).isEqualTo(FailureClass.THROTTLED);
        assertThat(throttled.retryAfter()).contains(Duration.ofSeconds(2));
        assertThat(throttled.transientFailure()).isTrue();
        assertThat(gate.waiting()).isPositive();

        graph.send(FakeMailApis.TOKEN, gate, mime);
        assertThat(Duration.between(fake.arrivals.get(0), fake.arrivals.get(1)))
                .as("the next request waited for Retry-After").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(fake.graphSent).hasSize(1);
    }

    @Test
    void newInboxMessagesAreReadPageByPageFromTheDeltaLinkAsTheyArrived() throws Exception {
        byte[] a = message("One", null);
        String first = fake.graphReceive(a);
        fake.graphReceive(message("Two", null));
        fake.graphReceive(message("Three", null));
        Changes c = graph.changes(FakeMailApis.TOKEN, gate, null, Instant.parse("2026-12-08T00:00:00Z"));
        assertThat(c.added()).hasSize(3).doesNotContain("gone-1");
        assertThat(c.cursor()).contains("$deltatoken=3");
        assertThat(fake.requests.get(0)).contains("changeType=created")
                .contains("$filter=receivedDateTime+ge+2026-12-08T00%3A00%3A00Z");
        assertThat(graph.raw(FakeMailApis.TOKEN, gate, first)).isEqualTo(a);

        String fourth = fake.graphReceive(message("Four", null));
        Changes next = graph.changes(FakeMailApis.TOKEN, gate, c.cursor(), null);
        assertThat(next.added()).containsExactly(fourth);
        Changes none = graph.changes(FakeMailApis.TOKEN, gate, next.cursor(), null);
        assertThat(none.added()).isEmpty();
    }

    @Test
    void aDeltaLinkGraphNoLongerKnowsAsksForAResync() throws Exception {
        fake.graphReceive(message("One", null));
        Changes c = graph.changes(FakeMailApis.TOKEN, gate, null, Instant.EPOCH);
        fake.expiredDeltaTokens.add("1");
        assertThatThrownBy(() -> graph.changes(FakeMailApis.TOKEN, gate, c.cursor(), null))
                .isInstanceOfSatisfying(ApiFailure.class, f -> {
                    assertThat(f.resyncNeeded()).isTrue();
                    assertThat(f.status()).isEqualTo(410);
                });
    }

    @Test
    void aRefusedTokenIsSaidSoWithoutTheToken() throws Exception {
        assertThatThrownBy(() -> graph.send("stale-token", gate, message("Hi", null)))
                .isInstanceOfSatisfying(ApiFailure.class, f -> {
                    assertThat(f.tokenRefused()).isTrue();
                    assertThat(f.failure()).isEqualTo(FailureClass.AUTHENTICATION_FAILED);
                    assertThat(f.getMessage()).contains("InvalidAuthenticationToken").doesNotContain("stale-token");
                });
    }
}
