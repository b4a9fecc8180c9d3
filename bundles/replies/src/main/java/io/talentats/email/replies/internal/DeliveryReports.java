package io.talentats.email.replies.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;

/**
 * Reads what a machine's report says, for the {@link Classifier}: the fields of a delivery status report (RFC 3464)
 * and of a disposition notification (RFC 8098), the words of a bounce sent without that format, and the Message-IDs
 * of the message a report is about. Pure: no I/O beyond the message in hand.
 */
final class DeliveryReports {

    private static final Pattern STATUS = Pattern.compile("(?<![\\d.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d.])");
    private static final Pattern SMTP_CODE = Pattern.compile("(?m)^\\s*([45])\\d\\d[ -]");
    private static final Pattern ID = Pattern.compile("<[^<>\\s@]+@[^<>\\s]+>");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._%+'=-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

    private DeliveryReports() {}

    /** RFC 3464: the per-recipient fields of the message/delivery-status part decide hard or soft. */
    static Classifier.Result deliveryReport(MimeMessage m, String why) throws MessagingException, IOException {
        String action = null;
        String status = null;
        String recipient = null;
        String diagnostic = null;
        Object content = m.getContent();
        if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart p = mp.getBodyPart(i);
                if (p.isMimeType("message/delivery-status") || p.isMimeType("message/global-delivery-status")) {
                    for (InternetHeaders fields : deliveryStatusFields(p)) {
                        String a = fields.getHeader("Action", null);
                        if (a == null) {
                            continue; // the per-message group
                        }
                        if (action == null || a.trim().equalsIgnoreCase("failed")) {
                            action = a.trim().toLowerCase(Locale.ROOT);
                            status = trim(fields.getHeader("Status", null));
                            recipient = address(fields.getHeader("Final-Recipient", null));
                            if (recipient == null) {
                                recipient = address(fields.getHeader("Original-Recipient", null));
                            }
                            diagnostic = trim(fields.getHeader("Diagnostic-Code", null));
                        }
                    }
                }
            }
        }
        if (diagnostic != null) {
            diagnostic = diagnostic.replaceFirst("(?i)^[a-z0-9-]+;\\s*", ""); // "smtp; ", "X-Postfix; "
        }
        Matcher sm = status == null ? null : STATUS.matcher(status);
        String code = sm != null && sm.find() ? sm.group() : null;
        // failed with a 4.x.x status: the remote server gave up retrying (expired); the message will not arrive
        boolean soft = "delayed".equals(action) || !"failed".equals(action) && code != null && code.startsWith("4");
        if ("delivered".equals(action) || "relayed".equals(action) || "expanded".equals(action)) {
            // A positive report (NOTIFY=SUCCESS): nothing went wrong; it is no reply either.
            return new Classifier.Result(Classifier.Type.AUTO_REPLY, code, recipient, diagnostic, originalIdsIn(m), why + ", action "
                    + action);
        }
        return new Classifier.Result(soft ? Classifier.Type.DELAY : Classifier.Type.BOUNCE, code != null ? code : soft ? "4.0.0" : "5.0.0", recipient,
                diagnostic, originalIdsIn(m), why + (action == null ? "" : ", action " + action));
    }

    /** The status groups of a message/delivery-status part: header blocks separated by blank lines. */
    private static List<InternetHeaders> deliveryStatusFields(Part p) throws MessagingException, IOException {
        String text;
        try (InputStream in = p.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<InternetHeaders> groups = new ArrayList<>();
        for (String block : text.replace("\r\n", "\n").split("\n\\s*\n")) {
            if (block.isBlank()) {
                continue;
            }
            groups.add(new InternetHeaders(new java.io.ByteArrayInputStream((block.trim() + "\n\n")
                    .getBytes(StandardCharsets.UTF_8))));
        }
        return groups;
    }

    /**
     * An MDN (RFC 8098). {@code deleted} after an automatic action is a refusal by the recipient's system (a Sieve
     * {@code reject}, RFC 5429): a hard failure of that recipient, status 5.7.1 (refused by policy), with the
     * notification's own words as the reason. Anything else is a receipt whose {@code diagnostic} is the disposition
     * in words: displayed, deleted without being read, processed or dispatched without being displayed, or failed.
     */
    static Classifier.Result dispositionNotification(MimeMessage m) throws MessagingException, IOException {
        String disposition = null;
        String recipient = null;
        Set<String> originals = new LinkedHashSet<>(originalIdsIn(m));
        if (m.getContent() instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart p = mp.getBodyPart(i);
                if (p.isMimeType("message/disposition-notification")
                        || p.isMimeType("message/global-disposition-notification")) {
                    for (InternetHeaders fields : deliveryStatusFields(p)) {
                        disposition = disposition != null ? disposition : trim(fields.getHeader("Disposition", null));
                        recipient = recipient != null ? recipient : address(fields.getHeader("Final-Recipient", null));
                        // An MDN need not carry the original; this field names it (RFC 8098 3.2.5)
                        String original = fields.getHeader("Original-Message-ID", null);
                        if (original != null) {
                            originals.addAll(Envelope.ids(original));
                        }
                    }
                }
            }
        }
        String d = disposition == null ? "" : disposition.toLowerCase(Locale.ROOT);
        // disposition-mode ";" disposition-type ["/" modifier]: "automatic-action/MDN-sent-automatically; deleted"
        int semi = d.indexOf(';');
        String mode = semi < 0 ? "" : d.substring(0, semi).trim();
        String type = (semi < 0 ? d : d.substring(semi + 1)).trim().replaceFirst("[/\\s].*", "");
        boolean automatic = mode.startsWith("automatic-action");
        if ("deleted".equals(type) && automatic) {
            String words = firstText(m, 0);
            return new Classifier.Result(Classifier.Type.BOUNCE, "5.7.1", recipient, words == null ? "refused by the recipient's mail system"
                    : oneParagraph(words), originals, "a disposition notification (RFC 8098): deleted by an automatic "
                            + "action, a refusal");
        }
        String said = switch (type) {
            case "displayed" -> "displayed";
            case "deleted" -> "deleted without being read";
            case "processed" -> "processed without being displayed";
            case "dispatched" -> "dispatched without being displayed";
            case "failed" -> "could not be processed";
            default -> type.isEmpty() ? "received" : type;
        };
        return new Classifier.Result(Classifier.Type.READ_RECEIPT, null, recipient, said, originals, "a disposition notification (RFC 8098): "
                + (disposition == null ? "no disposition" : disposition));
    }

    /** The first paragraph of a notification's text with words in it, on one line, at most 300 characters. */
    private static String oneParagraph(String text) {
        for (String para : text.replace("\r\n", "\n").split("\n\\s*\n")) {
            String line = para.replaceAll("\\s+", " ").trim();
            if (!line.isEmpty()) {
                return line.length() > 300 ? line.substring(0, 300) + "…" : line;
            }
        }
        return text.trim();
    }

    /** A bounce without the report format (qmail, older Exim and Sendmail set-ups): read its text. */
    static Classifier.Result unstructuredBounce(MimeMessage m, String failedRecipients, String subject, String why)
            throws MessagingException, IOException {
        String text = firstText(m, 0);
        String body = text == null ? "" : text;
        // The report's own words come before the returned message
        int cut = indexOfAny(body, "------ This is a copy of the message", "--- Below this line is a copy",
                "----- Original message -----", "Original message follows", "------ Original message",
                "Received: from");
        String report = cut > 0 ? body.substring(0, cut) : body;
        Matcher sm = STATUS.matcher(report);
        String code = sm.find() ? sm.group() : null;
        if (code == null) {
            Matcher smtp = SMTP_CODE.matcher(report);
            if (smtp.find()) {
                code = smtp.group(1) + ".0.0";
            }
        }
        String recipient = failedRecipients != null ? address(failedRecipients) : null;
        if (recipient == null) {
            Matcher am = ADDRESS.matcher(report);
            while (am.find()) {
                String a = am.group();
                if (!Classifier.DAEMON.matcher(a).matches() && !a.toLowerCase(Locale.ROOT).startsWith("mailer-daemon")
                        && !a.toLowerCase(Locale.ROOT).startsWith("postmaster")) {
                    recipient = a.toLowerCase(Locale.ROOT);
                    break;
                }
            }
        }
        String diagnostic = null;
        for (String line : report.split("\n")) {
            String l = line.trim();
            if (l.matches("(?i).*\\b[45]\\d\\d[ -].*") || STATUS.matcher(l).find()) {
                diagnostic = l.length() > 500 ? l.substring(0, 500) : l;
                break;
            }
        }
        boolean soft = code != null && code.startsWith("4");
        return new Classifier.Result(soft ? Classifier.Type.DELAY : Classifier.Type.BOUNCE, code != null ? code : "5.0.0", recipient, diagnostic,
                originalIdsIn(m), why);
    }

    /**
     * The Message-IDs of the reported message: from an attached message/rfc822 or text/rfc822-headers part, else
     * every id that appears in a {@code Message-ID:} line of the text (a quoted original).
     */
    static Set<String> originalIdsIn(MimeMessage m) throws MessagingException, IOException {
        Set<String> ids = new LinkedHashSet<>();
        collectIds(m, ids, 0);
        return ids;
    }

    private static void collectIds(Part p, Set<String> ids, int depth) throws MessagingException, IOException {
        if (depth > 10) {
            return;
        }
        if (p.isMimeType("multipart/*") && p.getContent() instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                collectIds(mp.getBodyPart(i), ids, depth + 1);
            }
            return;
        }
        if (p.isMimeType("message/rfc822") || p.isMimeType("message/global")) {
            Object c = p.getContent();
            if (c instanceof MimeMessage original) {
                String id = original.getMessageID();
                if (id != null) {
                    ids.addAll(Envelope.ids(id));
                }
                String refs = Classifier.header(original, "References");
                String irt = Classifier.header(original, "In-Reply-To");
                ids.addAll(Envelope.ids((refs == null ? "" : refs) + " " + (irt == null ? "" : irt)));
                return;
            }
        }
        if (p.isMimeType("text/rfc822-headers") || p.isMimeType("message/rfc822-headers")
                || p.isMimeType("text/plain") || p.isMimeType("message/rfc822")) {
            String text;
            try (InputStream in = p.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher line = Pattern.compile("(?im)^\\s*(message-id|references|in-reply-to):\\s*(.+)$").matcher(text);
            while (line.find()) {
                Matcher id = ID.matcher(line.group(2));
                while (id.find()) {
                    ids.add(id.group());
                }
            }
        }
    }

    static String firstText(Part p, int depth) throws MessagingException, IOException {
        if (depth > 10) {
            return null;
        }
        if (p.isMimeType("text/plain")) {
            return ReplyParser.text(p);
        }
        if (p.isMimeType("multipart/*") && p.getContent() instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
                String t = firstText(mp.getBodyPart(i), depth + 1);
                if (t != null) {
                    return t;
                }
            }
        }
        return null;
    }

    private static int indexOfAny(String s, String... needles) {
        int best = -1;
        for (String n : needles) {
            int i = s.indexOf(n);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    /** {@code rfc822; jane@example.com} or {@code <jane@example.com>} → {@code jane@example.com}. */
    static String address(String field) {
        if (field == null) {
            return null;
        }
        Matcher am = ADDRESS.matcher(field);
        return am.find() ? am.group().toLowerCase(Locale.ROOT) : null;
    }

    static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
