package io.talentats.email.replies.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.talentats.email.api.Attachment;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeUtility;

/**
 * Reads what the history keeps of a reply: the text and HTML bodies, the reply without its quotes, and attachments
 * (content up to a size limit). Unknown or broken charsets are read as UTF-8 with replacement characters rather
 * than failing the message.
 */
final class ReplyParser {

    /** What was read from one message. */
    record Parsed(String text, String html, String replyText, List<Attachment> attachments) {}

    private final long maxAttachmentBytes;

    ReplyParser(long maxAttachmentBytes) {
        this.maxAttachmentBytes = maxAttachmentBytes;
    }

    Parsed parse(Part message) throws MessagingException, IOException {
        Bodies b = new Bodies();
        walk(message, b, 0);
        String replyText = QuoteStripper.strip(b.text != null ? b.text : QuoteStripper.htmlToText(b.html));
        return new Parsed(b.text, b.html, replyText, b.attachments);
    }

    private static final class Bodies {
        String text;
        String html;
        final List<Attachment> attachments = new ArrayList<>();
    }

    private void walk(Part part, Bodies b, int depth) throws MessagingException, IOException {
        if (depth > 20) {
            throw new MessagingException("MIME parts nested more than 20 deep");
        }
        String disposition = part.getDisposition();
        String fileName = fileName(part);
        if (part.isMimeType("multipart/*")) {
            Object content = part.getContent();
            if (!(content instanceof Multipart mp)) {
                throw new MessagingException("a multipart part whose content cannot be read");
            }
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart child = mp.getBodyPart(i);
                walk(child, b, depth + 1);
            }
            return;
        }
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(disposition) || fileName != null;
        if (!attachment && part.isMimeType("text/plain") && b.text == null) {
            b.text = text(part);
        } else if (!attachment && part.isMimeType("text/html") && b.html == null) {
            b.html = text(part);
        } else if (attachment || !part.isMimeType("text/*")) {
            byte[] content = bytes(part, maxAttachmentBytes);
            String type = baseType(part.getContentType());
            b.attachments.add(new Attachment(fileName == null ? "attachment" : fileName, type, content));
        }
    }

    private static String fileName(Part part) {
        try {
            String f = part.getFileName();
            return f == null ? null : MimeUtility.decodeText(f);
        } catch (MessagingException | IOException e) {
            return "attachment";
        }
    }

    /** The part's text in its declared charset, or UTF-8 (with replacement) when the charset is unknown. */
    static String text(Part part) throws MessagingException, IOException {
        Charset cs = StandardCharsets.UTF_8;
        try {
            String declared = new ContentType(part.getContentType()).getParameter("charset");
            if (declared != null) {
                cs = Charset.forName(MimeUtility.javaCharset(declared.trim()));
            }
        } catch (RuntimeException | MessagingException unknownCharset) {
            cs = StandardCharsets.UTF_8;
        }
        try (InputStream in = part.getInputStream()) {
            return new String(in.readAllBytes(), cs);
        }
    }

    /** The part's bytes, or {@code null} when larger than {@code max}. */
    private static byte[] bytes(Part part, long max) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > max) {
                    return null;
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static String baseType(String contentType) {
        try {
            return new ContentType(contentType).getBaseType().toLowerCase(Locale.ROOT);
        } catch (MessagingException | RuntimeException e) {
            return "application/octet-stream";
        }
    }
}
