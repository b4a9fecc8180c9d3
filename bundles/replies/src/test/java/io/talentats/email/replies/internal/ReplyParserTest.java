package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

class ReplyParserTest {

    private static MimeMessage mime(String raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void readsTextHtmlAndAttachmentsWithinTheLimit() throws Exception {
        MimeMessage m = mime("From: c@x.test\r\nSubject: Re\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=b1\r\n\r\n"
                + "--b1\r\nContent-Type: multipart/alternative; boundary=b2\r\n\r\n"
                + "--b2\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nGr\u00fc\u00dfe\r\n\r\nOn Mon, Jane wrote:\r\n> hi\r\n"
                + "--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Gr\u00c3\u00bc\u00c3\u009fe</p>\r\n--b2--\r\n"
                + "--b1\r\nContent-Type: application/pdf; name=cv.pdf\r\nContent-Disposition: attachment; filename=cv.pdf\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n"
                + "--b1\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=big.png\r\n\r\n"
                + "x".repeat(100) + "\r\n--b1--\r\n");
        ReplyParser.Parsed p = new ReplyParser(50).parse(m);
        assertThat(p.text()).startsWith("Grüße");
        assertThat(p.html()).contains("Grüße");
        assertThat(p.replyText()).isEqualTo("Grüße");
        assertThat(p.attachments()).hasSize(2);
        assertThat(p.attachments().get(0).fileName()).isEqualTo("cv.pdf");
        assertThat(new String(p.attachments().get(0).content(), StandardCharsets.US_ASCII)).isEqualTo("%PDF-");
        assertThat(p.attachments().get(1).content()).as("over the limit: name only").isNull();
    }

    @Test
    void anUnknownCharsetIsReadAsUtf8InsteadOfFailing() throws Exception {
        MimeMessage m = mime("From: c@x.test\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
                + "\r\nHello there\r\n");
        assertThat(new ReplyParser(1000).parse(m).replyText()).isEqualTo("Hello there");
    }

    @Test
    void brokenBase64IsAnError() throws Exception {
        MimeMessage m = mime("From: c@x.test\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n!!!! this is not base64 @@@@\r\n");
        assertThatThrownBy(() -> new ReplyParser(1000).parse(m)).isInstanceOf(IOException.class);
    }
}
