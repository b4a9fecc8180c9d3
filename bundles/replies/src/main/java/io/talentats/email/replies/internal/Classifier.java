package io.talentats.email.replies.internal;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.internet.ContentType;
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
    static final Pattern DAEMON = Pattern.compile("^(mailer-daemon|postmaster|mail-daemon|"
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
            return DeliveryReports.deliveryReport(m, "a delivery status report (RFC 3464)");
        }
        String failed = header(m, "X-Failed-Recipients");
        boolean daemon = daemon(from);
        if (failed != null || ((daemon || nullSender) && BOUNCE_SUBJECT.matcher(subject).find())) {
            return DeliveryReports.unstructuredBounce(m, failed, subject, failed != null ? "X-Failed-Recipients"
                    : "from " + (daemon ? from : "the null sender") + " about a failed delivery");
        }
        if ((daemon || nullSender) && DELAY_SUBJECT.matcher(subject).find()) {
            Result r = DeliveryReports.unstructuredBounce(m, null, subject, "a delay warning from " + (daemon ? from : "<>"));
            return new Result(Type.DELAY, r.status() != null && r.status().startsWith("4") ? r.status() : "4.0.0",
                    r.recipient(), r.diagnostic(), r.originalIds(), r.why());
        }
        // 2. Disposition notification: what it says depends on its disposition (RFC 8098 3.2.6)
        if (m.isMimeType("multipart/report") && "disposition-notification".equalsIgnoreCase(reportType)) {
            return DeliveryReports.dispositionNotification(m);
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
        if ("oof".equalsIgnoreCase(DeliveryReports.trim(header(m, "X-MS-Exchange-Generated-Message-Source")))
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

}
