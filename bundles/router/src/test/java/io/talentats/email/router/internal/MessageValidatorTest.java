package io.talentats.email.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.OutboundMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MessageValidatorTest {

    private static OutboundMessage.Builder good() {
        return OutboundMessage.builder().senderUserId("u1").kind(MessageKind.CUSTOM).to("cand@example.org")
                .subject("Your application").textBody("Hello");
    }

    private static List<String> fields(OutboundMessage m) {
        return MessageValidator.validate(m, 1024).stream().map(FieldError::field).toList();
    }

    @Test
    void aGoodMessagePasses() {
        assertThat(fields(good().build())).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cand@example.org\r\nBcc: x@evil.test", "cand@example.org\nBcc: x@evil.test",
        "Cand <cand@example.org>", "cand@example.org, other@example.org", "not-an-address", "cand@localhost", ""})
    void rejectsAnythingButOneBareAddress(String to) {
        assertThat(fields(OutboundMessage.builder().senderUserId("u1").kind(MessageKind.CUSTOM).to(to)
                .subject("s").textBody("b").build())).contains("to");
    }

    @Test
    void rejectsHeaderInjectionInEveryHeaderField() {
        assertThat(fields(good().subject("Hi\r\nBcc: x@evil.test").build())).containsExactly("subject");
        assertThat(fields(good().senderName("Jane\nBcc: x@evil.test").build())).containsExactly("senderName");
        assertThat(fields(good().senderAddress("jane@example.com\r\nX: y").build())).containsExactly("senderAddress");
        assertThat(fields(good().attach(new Attachment("a\r\nb.txt", "text/plain", new byte[1])).build()))
                .containsExactly("attachments[0].fileName");
        assertThat(fields(good().idempotencyKey("k\n1").build())).containsExactly("idempotencyKey");
    }

    @Test
    void boundsAttachmentsAndNeedsABodyAndAKind() {
        assertThat(fields(good().attach(new Attachment("big.bin", "application/octet-stream", new byte[2048])).build()))
                .containsExactly("attachments");
        assertThat(fields(good().attach(new Attachment("x.bin", "no type", new byte[1])).build()))
                .containsExactly("attachments[0].contentType");
        assertThat(fields(good().textBody(null).build())).containsExactly("body");
        assertThat(fields(good().kind(null).build())).containsExactly("kind");
        assertThat(fields(good().threadId("bad id with spaces").build())).containsExactly("threadId");
    }
}
