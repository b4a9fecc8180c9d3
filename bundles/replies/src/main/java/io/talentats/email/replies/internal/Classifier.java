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
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;

/**
 * Tells a candidate's reply from what machines send: delivery status reports (RFC 3464 and the shapes servers send
 * without it), read receipts (RFC 8098), automatic replies (RFC 3834 and the headers of common responders),
 * out-of-office notices, and list mail. First match wins, in that order; only a message none of them claims is a
 * candidate's reply. Every test is on headers or on the report's machine-readable parts; a candidate who merely
 * quotes such words, or whose client sets {@code X-Auto-Response-Suppress}, stays a reply.
 */
final class Classifier {

    enum Type {
        /** A delivery failure: the address does not work (5.x.x). */
        BOUNCE,
        /** Delivery is delayed; the server keeps trying (4.x.x). */
        DELAY,
        READ_RECEIPT,
        AUTO_REPLY,
        OUT_OF_OFFICE,
        LIST,
        REPLY
    }

    /**
     * What a message is.
     *
     * @param status the RFC 3463 status code of a bounce or delay, e.g. {@code 5.1.1}, or {@code null}
     * @param recipient the address that failed, or {@code null}
     * @param diagnostic the remote server's words, or {@code null}
     * @param originalIds Message-IDs of the reported message (from the attached original or its headers)
     * @param why which rule decided, in words
     */
    record Result(Type type, String status, String recipient, String diagnostic, Set<String> originalIds,
            String why) {
        boolean automatic() {
            return type != Type.REPLY;
        }
    }

    private static final Pattern STATUS = Pattern.compile("(?<![\\d.])([245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d.])");
    private static final Pattern SMTP_CODE = Pattern.compile("(?m)^\\s*([45])\\d\\d[ -]");
    private static final Pattern ID = Pattern.compile("<[^<>\\s@]+@[^<>\\s]+>");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9._%+'=-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    /** What auto-responders start their subject with, in the languages recruiters meet most. */
    private static final String OOO_PHRASES = "(automatic reply|auto(matic)?[- ]?reply|out[- ]of[- ](the[- ])?office|"
            + "autoreply|abwesenheitsnotiz|automatische antwort|abwesend|r[ée]ponse automatique|absence du bureau|"
            + "absent\\(e\\)|respuesta autom[áa]tica|fuera de la oficina|ausente|risposta automatica|fuori sede|"
            + "fuori ufficio|automatisch antwoord|afwezig|niet aanwezig|resposta autom[áa]tica|fora do escrit[óo]rio|"
            + "aus[êe]ncia|odpowied[zź] automatyczna|poza biurem|autosvar|automatisk svar|fr[åa]nvarande|"
            + "frav[æa]rende|ikke til stede)";
    /**
     * The prefixes mail programs put before a subject they answer or forward, in those languages, repeated or not,
     * with the French space before the colon ({@code RE :}): a responder that answers keeps them.
     */
    private static final String PREFIXES = "(?:\\s*(?:re|aw|antw|antwort|sv|vs|r|ref|réf|rif|res|odp|fw|fwd|wg|tr|rv"
            + "|enc|doorst)\\s*(?:\\[\\d+\\])?\\s*:)*";
    /** A subject that starts (after reply prefixes) with an auto-responder's phrase. */
    private static final Pattern OOO_SUBJECT = Pattern.compile("^" + PREFIXES + "\\s*" + OOO_PHRASES + "\\b",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    /**
     * The same phrase standing as the subject's label (followed by a colon, a dash, a bracket, or nothing): what
     * script responders (PHP mail(), simple autoresponders) send with no automatic header at all. A person who
     * mentions the words ("Re: I was out of office last week") writes on after them.
     */
    private static final Pattern OOO_LABEL = Pattern.compile("^" + PREFIXES + "\\s*" + OOO_PHRASES
            + "\\s*([:：\\-–—(\\[]|$)", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern DAEMON = Pattern.compile("^(mailer-daemon|postmaster|mail-daemon|"
            + "mail delivery subsystem|mailer_daemon)(@.*)?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern BOUNCE_SUBJECT = Pattern.compile("(undeliver|delivery status notification|"
            + "delivery (has )?failed|failure notice|returned mail|mail delivery failed|non[- ]?delivery|"
            + "could not be delivered|delivery failure|unzustellbar|non remis)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DELAY_SUBJECT = Pattern.compile("(delayed|delay|warning: message.*still undelivered|"
            + "could not send message for past|"
            + "verzögert|retardé)", Pattern.CASE_INSENSITIVE);

    private Classifier() {}

    static Result classify(MimeMessage m) throws MessagingException, IOException {
        String contentType = header(m, "Content-Type");
        String reportType = parameter(contentType, "report-type");
        String from = fromAddress(m);
        String returnPath = header(m, "Return-Path");
        boolean nullSender = nullSender(returnPath);
        String subject = m.getSubject() == null ? "" : Utf8Headers.repair(m.getSubject());

        // 1. Delivery status
        if (m.isMimeType("multipart/report") && "delivery-status".equalsIgnoreCase(reportType)) {
            return deliveryReport(m, "a delivery status report (RFC 3464)");
        }
        String failed = header(m, "X-Failed-Recipients");
        boolean daemon = daemon(from);
        if (failed != null || ((daemon || nullSender) && BOUNCE_SUBJECT.matcher(subject).find())) {
            return unstructuredBounce(m, failed, subject, failed != null ? "X-Failed-Recipients"
                    : "from " + (daemon ? from : "the null sender") + " about a failed delivery");
        }
        if ((daemon || nullSender) && DELAY_SUBJECT.matcher(subject).find()) {
            Result r = unstructuredBounce(m, null, subject, "a delay warning from " + (daemon ? from : "<>"));
            return new Result(Type.DELAY, r.status() != null && r.status().startsWith("4") ? r.status() : "4.0.0",
                    r.recipient(), r.diagnostic(), r.originalIds(), r.why());
        }
        // 2. Disposition notification: what it says depends on its disposition (RFC 8098 3.2.6)
        if (m.isMimeType("multipart/report") && "disposition-notification".equalsIgnoreCase(reportType)) {
            return dispositionNotification(m);
        }
        // 3. Automatic reply
        String autoSubmitted = header(m, "Auto-Submitted");
        boolean oooSubject = OOO_SUBJECT.matcher(subject).find();
        if (autoSubmitted != null && !autoSubmitted.trim().toLowerCase(Locale.ROOT).startsWith("no")) {
            // Sieve vacation and Gmail mark their vacation replies auto-replied
            return new Result(oooSubject || autoSubmitted.toLowerCase(Locale.ROOT).contains("vacation")
                    ? Type.OUT_OF_OFFICE : Type.AUTO_REPLY, null, null, null, Set.of(),
                    "Auto-Submitted: " + autoSubmitted.trim());
        }
        for (String h : List.of("X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Vacation")) {
            if (header(m, h) != null) {
                return new Result(oooSubject ? Type.OUT_OF_OFFICE : Type.AUTO_REPLY, null, null, null, Set.of(), h);
            }
        }
        String precedence = header(m, "Precedence");
        if (precedence != null && precedence.trim().equalsIgnoreCase("auto_reply")) {
            return new Result(oooSubject ? Type.OUT_OF_OFFICE : Type.AUTO_REPLY, null, null, null, Set.of(),
                    "Precedence: auto_reply");
        }
        // 4. Out of office: Exchange marks its automatic replies with both of these (one alone is any Outlook mail)
        boolean suppress = header(m, "X-Auto-Response-Suppress") != null;
        boolean loop = header(m, "X-MS-Exchange-Inbox-Rules-Loop") != null;
        if (suppress && loop) {
            return new Result(Type.OUT_OF_OFFICE, null, null, null, Set.of(),
                    "Exchange automatic reply (X-Auto-Response-Suppress with X-MS-Exchange-Inbox-Rules-Loop)");
        }
        if ("oof".equalsIgnoreCase(trim(header(m, "X-MS-Exchange-Generated-Message-Source")))
                || header(m, "X-MS-Exchange-Organization-AutoReply") != null) {
            return new Result(Type.OUT_OF_OFFICE, null, null, null, Set.of(), "Exchange automatic reply");
        }
        if (oooSubject && (suppress || nullSender)) {
            return new Result(Type.OUT_OF_OFFICE, null, null, null, Set.of(), "an out-of-office subject ("
                    + subject.trim() + ") from a responder");
        }
        if (oooSubject && OOO_LABEL.matcher(subject.trim()).find()) {
            return new Result(Type.OUT_OF_OFFICE, null, null, null, Set.of(), "an out-of-office subject ("
                    + subject.trim() + ")");
        }
        // 5. List and bulk
        if (header(m, "List-Id") != null || header(m, "List-Unsubscribe") != null) {
            return new Result(Type.LIST, null, null, null, Set.of(), header(m, "List-Id") != null ? "List-Id"
                    : "List-Unsubscribe");
        }
        if (precedence != null && precedence.trim().toLowerCase(Locale.ROOT).matches("bulk|list|junk")) {
            return new Result(Type.LIST, null, null, null, Set.of(), "Precedence: " + precedence.trim());
        }
        return new Result(Type.REPLY, null, null, null, Set.of(), "a candidate's reply");
    }

    /**
     * Whether the headers the collector fetches before a body say a message may be a delivery report about one of
     * ours (its original is then looked for in the body): multipart/report, X-Failed-Recipients, the null sender,
     * or a MAILER-DAEMON/postmaster sender.
     */
    static boolean mayBeReport(String contentType, String failedRecipients, String returnPath, String from) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("multipart/report")
                || failedRecipients != null || nullSender(returnPath) || daemon(from);
    }

    private static boolean nullSender(String returnPath) {
        return returnPath != null && returnPath.replaceAll("\\s", "").equals("<>");
    }

    /** MAILER-DAEMON, postmaster and the like, as the whole address or its local part. */
    private static boolean daemon(String from) {
        return from != null && (DAEMON.matcher(from).matches()
                || DAEMON.matcher(from.substring(0, from.indexOf('@') < 0 ? from.length() : from.indexOf('@')))
                        .matches());
    }

    /** RFC 3464: the per-recipient fields of the message/delivery-status part decide hard or soft. */
    private static Result deliveryReport(MimeMessage m, String why) throws MessagingException, IOException {
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
            return new Result(Type.AUTO_REPLY, code, recipient, diagnostic, originalIdsIn(m), why + ", action "
                    + action);
        }
        return new Result(soft ? Type.DELAY : Type.BOUNCE, code != null ? code : soft ? "4.0.0" : "5.0.0", recipient,
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
    private static Result dispositionNotification(MimeMessage m) throws MessagingException, IOException {
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
            return new Result(Type.BOUNCE, "5.7.1", recipient, words == null ? "refused by the recipient's mail system"
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
        return new Result(Type.READ_RECEIPT, null, recipient, said, originals, "a disposition notification (RFC 8098): "
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
    private static Result unstructuredBounce(MimeMessage m, String failedRecipients, String subject, String why)
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
                if (!DAEMON.matcher(a).matches() && !a.toLowerCase(Locale.ROOT).startsWith("mailer-daemon")
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
        return new Result(soft ? Type.DELAY : Type.BOUNCE, code != null ? code : "5.0.0", recipient, diagnostic,
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
                String refs = header(original, "References");
                String irt = header(original, "In-Reply-To");
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

    private static String firstText(Part p, int depth) throws MessagingException, IOException {
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

    private static String fromAddress(MimeMessage m) {
        try {
            jakarta.mail.Address[] from = m.getFrom();
            if (from != null && from.length > 0 && from[0] instanceof jakarta.mail.internet.InternetAddress ia) {
                String personal = ia.getPersonal();
                if (ia.getAddress() != null) {
                    String a = ia.getAddress().toLowerCase(Locale.ROOT);
                    return personal != null && DAEMON.matcher(personal.trim()).matches() ? "mailer-daemon@" + a : a;
                }
            }
        } catch (MessagingException | RuntimeException ignored) {
            // unreadable From: not a daemon we can tell
        }
        return null;
    }

    /** {@code rfc822; jane@example.com} or {@code <jane@example.com>} → {@code jane@example.com}. */
    private static String address(String field) {
        if (field == null) {
            return null;
        }
        Matcher am = ADDRESS.matcher(field);
        return am.find() ? am.group().toLowerCase(Locale.ROOT) : null;
    }

    static String header(Part m, String name) throws MessagingException {
        String[] v = m.getHeader(name);
        return v == null || v.length == 0 ? null : String.join(" ", v);
    }

    private static String parameter(String contentType, String name) {
        if (contentType == null) {
            return null;
        }
        try {
            return new ContentType(contentType).getParameter(name);
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
