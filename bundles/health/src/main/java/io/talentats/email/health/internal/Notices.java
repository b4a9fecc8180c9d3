package io.talentats.email.health.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.OutboundMessage;

/** The emails a recruiter gets about their own mailbox connection, in the product guide's words. */
final class Notices {

    static final String SENDER_NAME = "talentATS";

    private Notices() {}

    /** "Your mailbox connection stopped working": what happened, what to do, where. */
    static OutboundMessage stopped(Account a, String pageUrl) {
        AccountHealth h = a.health();
        String text = "Hello" + (a.displayName() == null ? "" : " " + a.displayName()) + ",\n\n"
                + "talentATS can no longer use your mailbox " + a.emailAddress() + ": " + what(h) + "\n\n"
                + "What the server said: " + (h.reason() == null ? "nothing more" : h.reason()) + "\n\n"
                + "What to do:\n" + advice(h) + "\n"
                + where(a, pageUrl)
                + "Until then, stage-change notifications and interview invitations are sent by talentATS on your "
                + "behalf; custom messages wait or fail until your mailbox works again.\n";
        return notice(a, "Your mailbox connection stopped working", text, HealthRules.noticeKey("notice", a));
    }

    /** "Your mailbox connection was paused": it kept failing for {@code days}. */
    static OutboundMessage paused(Account a, String pageUrl, long days) {
        String text = "Hello" + (a.displayName() == null ? "" : " " + a.displayName()) + ",\n\n"
                + "Your mailbox " + a.emailAddress() + " has not worked for " + (days <= 1 ? "a day" : days + " days")
                + " (" + what(a.health()) + "), so talentATS stopped trying to use it.\n\n"
                + "What to do:\n" + advice(a.health()) + "\n"
                + where(a, pageUrl)
                + "Saving settings that pass Test Connection turns your mailbox connection on again.\n";
        return notice(a, "Your mailbox connection was paused", text, HealthRules.noticeKey("paused", a));
    }

    private static OutboundMessage notice(Account a, String subject, String text, String key) {
        return OutboundMessage.builder()
                .senderUserId(a.userId())
                .senderName(SENDER_NAME)
                .kind(MessageKind.ACCOUNT_NOTICE)
                .to(a.emailAddress())
                .subject(subject)
                .textBody(text)
                .idempotencyKey(key)
                .build();
    }

    static String what(AccountHealth h) {
        return switch (h.state()) {
            case AUTHENTICATION_FAILING -> "the server no longer accepts the password stored in talentATS.";
            case NEEDS_REAUTHORIZATION -> "the sign-in with your provider stopped working (revoked, expired or "
                    + "your password changed).";
            case UNREACHABLE -> "its mail server could not be reached for a while.";
            case HEALTHY -> "it works.";
        };
    }

    static String advice(AccountHealth h) {
        return switch (h.state()) {
            case AUTHENTICATION_FAILING -> """
                    - If you changed your email password, enter the new one in Email Connection Settings.
                    - For Gmail and Yahoo, use an app-specific password, not your regular password.
                    - Check that your provider has not locked the account or turned off SMTP/IMAP access.
                    - Then press Test Connection and Save.
                    """;
            case NEEDS_REAUTHORIZATION -> """
                    - Open Email Connection Settings and sign in with your provider again.
                    """;
            case UNREACHABLE -> """
                    - Check the server names and ports in Email Connection Settings (your provider may have changed
                      them), and that SSL/TLS matches the port.
                    - Press Test Connection; contact your email provider if the server address has changed.
                    """;
            case HEALTHY -> "";
        };
    }

    private static String where(Account a, String pageUrl) {
        if (pageUrl == null || pageUrl.isBlank()) {
            return "Open your profile in talentATS, then Email Connection Settings.\n\n";
        }
        String url = pageUrl.trim();
        return "Email Connection Settings: " + url + (url.contains("?") ? "&" : "?") + "user="
                + URLEncoder.encode(a.userId(), StandardCharsets.UTF_8) + "\n\n";
    }
}
