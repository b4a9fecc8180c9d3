package io.talentats.email.router.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.OutboundMessage;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * Checks a message before it is queued: valid addresses, no line break in anything that becomes a header (header
 * injection), bounded sizes. One message per bad field.
 */
final class MessageValidator {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+:-]{0,127}");
    private static final Pattern MIME_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*");

    /** Longest body the history keeps (characters). */
    static final int MAX_BODY = 1_000_000;

    private MessageValidator() {}

    static List<FieldError> validate(OutboundMessage m, long maxAttachmentBytes) {
        List<FieldError> errors = new ArrayList<>();
        if (m.senderUserId() == null || !ID.matcher(m.senderUserId()).matches()) {
            errors.add(new FieldError("senderUserId", "Sender user id is missing or not a valid id"));
        }
        if (m.kind() == null) {
            errors.add(new FieldError("kind", "Choose the kind of message: STAGE_CHANGE, INTERVIEW_INVITATION or CUSTOM"));
        } else if (m.kind() == io.talentats.email.api.MessageKind.AUTO_REPLY) {
            errors.add(new FieldError("kind", "AUTO_REPLY is what collected out-of-office answers are; choose "
                    + "STAGE_CHANGE, INTERVIEW_INVITATION or CUSTOM"));
        }
        if (m.to().isEmpty()) {
            errors.add(new FieldError("to", "Add the candidate's email address"));
        }
        addresses("to", m.to(), errors);
        addresses("cc", m.cc(), errors);
        if (m.subject() == null || m.subject().isBlank()) {
            errors.add(new FieldError("subject", "Enter a subject"));
        } else if (hasLineBreak(m.subject())) {
            errors.add(new FieldError("subject", "The subject must be one line: remove line breaks"));
        } else if (m.subject().length() > 900) {
            errors.add(new FieldError("subject", "The subject can have at most 900 characters"));
        }
        if ((m.textBody() == null || m.textBody().isBlank()) && (m.htmlBody() == null || m.htmlBody().isBlank())) {
            errors.add(new FieldError("body", "Write the message: a text or an HTML body is needed"));
        }
        if (m.textBody() != null && m.textBody().length() > MAX_BODY) {
            errors.add(new FieldError("textBody", "The text body can have at most " + MAX_BODY + " characters"));
        }
        if (m.htmlBody() != null && m.htmlBody().length() > MAX_BODY) {
            errors.add(new FieldError("htmlBody", "The HTML body can have at most " + MAX_BODY + " characters"));
        }
        if (m.senderName() != null && (hasLineBreak(m.senderName()) || m.senderName().length() > 200)) {
            errors.add(new FieldError("senderName", "The sender name must be one line of at most 200 characters"));
        }
        if (m.senderAddress() != null) {
            String problem = addressProblem(m.senderAddress());
            if (problem != null) {
                errors.add(new FieldError("senderAddress", problem));
            }
        }
        long total = 0;
        for (int i = 0; i < m.attachments().size(); i++) {
            Attachment a = m.attachments().get(i);
            String f = "attachments[" + i + "]";
            if (a.fileName() == null || a.fileName().isBlank() || hasLineBreak(a.fileName()) || a.fileName().length() > 255
                    || a.fileName().contains("\"")) {
                errors.add(new FieldError(f + ".fileName", "An attachment needs a file name of one line, at most 255 "
                        + "characters, without quotes"));
            }
            if (a.contentType() == null || !MIME_TYPE.matcher(a.contentType()).matches()) {
                errors.add(new FieldError(f + ".contentType", "An attachment needs a content type such as "
                        + "application/pdf"));
            }
            if (a.content() == null) {
                errors.add(new FieldError(f + ".content", "The attachment has no content"));
            } else {
                total += a.content().length;
            }
        }
        if (total > maxAttachmentBytes) {
            errors.add(new FieldError("attachments", "Attachments add up to " + mib(total) + "; at most "
                    + mib(maxAttachmentBytes) + " can be sent in one message"));
        }
        for (String[] f : new String[][] {{"candidateId", m.candidateId()}, {"applicationId", m.applicationId()},
                {"threadId", m.threadId()}}) {
            if (f[1] != null && !ID.matcher(f[1]).matches()) {
                errors.add(new FieldError(f[0], f[0] + " must be 1 to 128 letters, digits or . _ @ + : -"));
            }
        }
        if (m.idempotencyKey() != null && (m.idempotencyKey().isBlank() || m.idempotencyKey().length() > 200
                || hasLineBreak(m.idempotencyKey()))) {
            errors.add(new FieldError("idempotencyKey", "The idempotency key must be one line of 1 to 200 characters"));
        }
        return errors;
    }

    private static void addresses(String field, List<String> addresses, List<FieldError> errors) {
        for (String a : addresses) {
            String problem = addressProblem(a);
            if (problem != null) {
                errors.add(new FieldError(field, problem));
            }
        }
    }

    /** What is wrong with a bare address (no display name), or {@code null}. */
    static String addressProblem(String address) {
        if (address == null || address.isBlank()) {
            return "An email address is empty";
        }
        if (hasLineBreak(address)) {
            return "An email address contains a line break";
        }
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            if (parsed.getPersonal() != null || !parsed.getAddress().equals(address.trim())
                    || parsed.getAddress().indexOf('@') < 1 || parsed.getAddress().endsWith("@")) {
                return "'" + printable(address) + "' is not a single email address such as jane@example.com";
            }
            String domain = parsed.getAddress().substring(parsed.getAddress().lastIndexOf('@') + 1);
            if (!domain.contains(".") || domain.startsWith(".") || domain.endsWith(".")) {
                return "'" + printable(address) + "' has no valid domain";
            }
            return null;
        } catch (AddressException e) {
            return "'" + printable(address) + "' is not a valid email address";
        }
    }

    static boolean hasLineBreak(String s) {
        return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
