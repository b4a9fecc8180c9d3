package io.talentats.email.router.internal;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageContent;
import io.talentats.email.store.OutboundMail;
import io.talentats.email.store.StoredOutbound;

import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.util.ByteArrayDataSource;

/**
 * Builds the MIME message for a stored message. Every attempt builds the same message: the Message-ID and Date are
 * those chosen at submit, so a retry is recognisably the same mail.
 */
final class MimeBuilder {

    private MimeBuilder() {}

    /**
     * Sender and reply address for one attempt; they depend on the route taken.
     *
     * @param envelopeFrom the SMTP envelope sender (where bounces go), or {@code null} for the From address
     */
    record Envelope(InternetAddress from, InternetAddress replyTo, String envelopeFrom) {
        Envelope(InternetAddress from, InternetAddress replyTo) {
            this(from, replyTo, null);
        }
    }

    static MimeMessage build(Session session, StoredOutbound stored, Envelope envelope) throws MessagingException {
        OutboundMail m = stored.mail();
        MessageContent content = m.content();
        FixedIdMessage msg = new FixedIdMessage(session, m.internetMessageId());
        if (envelope.envelopeFrom() != null) {
            msg.setEnvelopeFrom(envelope.envelopeFrom());
        }
        msg.setFrom(envelope.from());
        if (envelope.replyTo() != null) {
            msg.setReplyTo(new InternetAddress[] {envelope.replyTo()});
        }
        for (String to : content.to()) {
            msg.addRecipient(Message.RecipientType.TO, new InternetAddress(to, true));
        }
        for (String cc : content.cc()) {
            msg.addRecipient(Message.RecipientType.CC, new InternetAddress(cc, true));
        }
        msg.setSubject(content.subject(), StandardCharsets.UTF_8.name());
        msg.setSentDate(Date.from(stored.createdAt()));
        if (m.inReplyToHeader() != null) {
            msg.setHeader("In-Reply-To", m.inReplyToHeader());
        }
        if (m.referencesHeader() != null) {
            msg.setHeader("References", m.referencesHeader());
        }
        if (!m.kind().requiresOwnMailbox()) {
            // Machine-generated mail: tells out-of-office responders not to answer it (RFC 3834).
            msg.setHeader("Auto-Submitted", "auto-generated");
        }
        if (content.attachments().isEmpty()) {
            fillBody(msg, content);
        } else {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart body = new MimeBodyPart();
            fillBody(body, content);
            mixed.addBodyPart(body);
            for (Attachment a : content.attachments()) {
                MimeBodyPart part = new MimeBodyPart();
                part.setDataHandler(new DataHandler(new ByteArrayDataSource(a.content(), a.contentType())));
                try {
                    part.setFileName(jakarta.mail.internet.MimeUtility.encodeText(a.fileName(), "UTF-8", null));
                } catch (UnsupportedEncodingException e) {
                    part.setFileName(a.fileName());
                }
                part.setDisposition(MimeBodyPart.ATTACHMENT);
                mixed.addBodyPart(part);
            }
            msg.setContent(mixed);
        }
        msg.saveChanges();
        return msg;
    }

    /** The text, the HTML, or both as alternatives. */
    private static void fillBody(MimePart part, MessageContent m) throws MessagingException {
        boolean text = m.textBody() != null && !m.textBody().isBlank();
        boolean html = m.htmlBody() != null && !m.htmlBody().isBlank();
        if (text && html) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart t = new MimeBodyPart();
            setText(t, m.textBody(), "plain");
            MimeBodyPart h = new MimeBodyPart();
            setText(h, m.htmlBody(), "html");
            alternative.addBodyPart(t);
            alternative.addBodyPart(h);
            part.setContent(alternative);
        } else if (html) {
            setText(part, m.htmlBody(), "html");
        } else {
            setText(part, m.textBody(), "plain");
        }
    }

    /**
     * Sets a text part. Text that 7bit carries as it is (US-ASCII, no line over 998 characters, no NUL) is marked
     * so here; for any other text Jakarta Mail picks the encoding. Deciding it here spares Jakarta Mail's look-up
     * of its stream provider and its scan of the text, both for every part of every message.
     */
    private static void setText(MimePart part, String text, String subtype) throws MessagingException {
        part.setText(text, "UTF-8", subtype);
        if (isSevenBit(text)) {
            part.setHeader("Content-Transfer-Encoding", "7bit");
        }
    }

    static boolean isSevenBit(String text) {
        int line = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                line = 0;
            } else if (c >= 128 || c == 0 || ++line > 998) {
                return false;
            }
        }
        return true;
    }

    /** A message whose Message-ID is ours, not one Jakarta Mail makes up at {@code saveChanges()}. */
    private static final class FixedIdMessage extends org.eclipse.angus.mail.smtp.SMTPMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
