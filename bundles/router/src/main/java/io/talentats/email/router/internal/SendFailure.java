package io.talentats.email.router.internal;

import java.io.IOException;

import io.talentats.email.mail.ClassifiedFailure;
import io.talentats.email.mail.MailFailures;

import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * What a failed send means for the message: try again later (4xx replies, connection trouble), give up (5xx), or
 * the login was refused (the account is marked unhealthy) as {@link MailFailures}, the one classifier, decides.
 */
record SendFailure(Kind kind, String reason, String serverReply) {

    enum Kind {
        TRANSIENT,
        PERMANENT,
        AUTHENTICATION
    }

    static SendFailure of(Throwable e, String lastServerReply) {
        String reply = reply(e, lastServerReply);
        int code = code(e, reply);
        if (MailFailures.classify(e, reply).loginRefused()) {
            return new SendFailure(Kind.AUTHENTICATION, "the SMTP server refused the login", reply);
        }
        for (Throwable t : chain(e)) {
            if (t instanceof ClassifiedFailure api) {
                // A provider's API answered: its words are the server's reply (so it is no unreachable server)
                String words = api.diagnosis().serverReply() != null ? api.diagnosis().serverReply() : t.getMessage();
                return api.retryable() ? new SendFailure(Kind.TRANSIENT, "the mail API asked to try later", words)
                        : new SendFailure(Kind.PERMANENT, "the mail API refused the message", words);
            }
        }
        if (code >= 400 && code < 500) {
            return new SendFailure(Kind.TRANSIENT, "the SMTP server asked to try later", reply);
        }
        if (code >= 500) {
            return new SendFailure(Kind.PERMANENT, "the SMTP server refused the message", reply);
        }
        if (e instanceof SendFailedException sfe && sfe.getInvalidAddresses() != null
                && sfe.getInvalidAddresses().length > 0 && (sfe.getValidUnsentAddresses() == null
                        || sfe.getValidUnsentAddresses().length == 0)) {
            return new SendFailure(Kind.PERMANENT, "the SMTP server refused the recipients", reply);
        }
        for (Throwable t : chain(e)) {
            if (t instanceof IOException) {
                return new SendFailure(Kind.TRANSIENT, "the SMTP server could not be reached: " + t.getMessage(), reply);
            }
        }
        return new SendFailure(Kind.TRANSIENT, "sending failed: " + e.getMessage(), reply);
    }

    /** The exception and what it wraps, each once. */
    private static java.util.List<Throwable> chain(Throwable e) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t) && chain.size() < 20;
                t = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException()
                        : t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static String reply(Throwable e, String lastServerReply) {
        for (Throwable t : chain(e)) {
            if (t instanceof SMTPSendFailedException s) {
                return s.getMessage();
            }
            if (t instanceof SMTPAddressFailedException a) {
                return a.getMessage();
            }
        }
        if (lastServerReply != null && lastServerReply.matches("(?s)^\\d{3}[ -].*")) {
            return lastServerReply.trim();
        }
        return null;
    }

    private static int code(Throwable e, String reply) {
        for (Throwable t : chain(e)) {
            if (t instanceof SMTPSendFailedException s) {
                return s.getReturnCode();
            }
            if (t instanceof SMTPAddressFailedException a) {
                return a.getReturnCode();
            }
        }
        if (reply != null && reply.length() >= 3 && Character.isDigit(reply.charAt(0))) {
            try {
                return Integer.parseInt(reply.substring(0, 3));
            } catch (NumberFormatException ignored) {
                return -1;
            }
        }
        return -1;
    }
}
