package io.talentats.email.connectiontest.internal;

import java.util.concurrent.atomic.AtomicReference;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Security;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.TestStep;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.MailSessions.Protocol;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;

import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Connects to the SMTP server as the account would to send: TLS as configured, login, then {@code MAIL FROM} with
 * the account's address (and {@code RSET}), so that a server refusing this sender is found now, not at the first
 * candidate message.
 */
final class SmtpLoginCheck {

    private final Steps steps;
    private final AtomicReference<SMTPTransport> open = new AtomicReference<>();

    SmtpLoginCheck(Steps steps) {
        this.steps = steps;
    }

    StepResult run() {
        long start = System.nanoTime();
        Target t = steps.target();
        Endpoint ep = t.smtp();
        Session session = steps.sessions().session(steps.properties(Protocol.SMTP, ep));
        SMTPTransport transport;
        try {
            transport = (SMTPTransport) steps.sessions().call(() -> session.getTransport("smtp"));
        } catch (MessagingException e) {
            return steps.failed(TestStep.SMTP, Protocol.SMTP, ep, e, null, start);
        }
        open.set(transport);
        try {
            return steps.sessions().call(() -> {
                transport.connect(ep.host(), ep.port(), t.username(), t.password().reveal());
                int code = transport.simpleCommand("MAIL FROM:<" + t.emailAddress() + ">");
                String reply = transport.getLastServerResponse();
                if (code / 100 != 2) {
                    return steps.failed(TestStep.SMTP, Protocol.SMTP, ep, new Diagnosis(FailureClass.SENDER_REJECTED,
                            reply.trim(), "the server refused " + t.emailAddress() + " as sender"), null, start);
                }
                transport.simpleCommand("RSET");
                return steps.passed(TestStep.SMTP, (ep.security() == Security.NONE ? "connected without encryption"
                        : "connected with " + ep.security().label()) + ", logged in as "
                        + t.username() + ", sender " + t.emailAddress() + " accepted", reply.trim(), start);
            });
        } catch (MessagingException | RuntimeException e) {
            return steps.failed(TestStep.SMTP, Protocol.SMTP, ep, e, serverReply(transport), start);
        } finally {
            abort();
        }
    }

    /** Closes the connection; safe from another thread when the check overruns its deadline. */
    void abort() {
        SMTPTransport transport = open.getAndSet(null);
        if (transport != null) {
            try {
                transport.close();
            } catch (MessagingException | RuntimeException ignored) {
                // closing a connection that failed
            }
        }
    }

    /** The last thing the server said, if it was a reply (and not, say, nothing at all). */
    private static String serverReply(SMTPTransport transport) {
        String r = transport.getLastServerResponse();
        return r != null && r.matches("(?s)^\\d{3}[ -].*") ? r.trim() : null;
    }
}
