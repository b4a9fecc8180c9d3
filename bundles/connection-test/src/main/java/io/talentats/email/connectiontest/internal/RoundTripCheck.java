package io.talentats.email.connectiontest.internal;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.TestOptions;
import io.talentats.email.api.TestStep;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.MailSessions.Protocol;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.SubjectTerm;

/**
 * Sends a test message to the account's own address over SMTP and waits for it in the inbox over IMAP: proof that
 * both servers belong to the same working mailbox. The message is removed afterwards unless asked to keep it.
 */
final class RoundTripCheck {

    static final String SUBJECT = "talentATS connection test ";

    private final Steps steps;
    private final TestOptions options;

    RoundTripCheck(Steps steps, TestOptions options) {
        this.steps = steps;
        this.options = options;
    }

    List<StepResult> run() {
        String token = UUID.randomUUID().toString();
        StepResult send = send(token);
        if (!send.passed()) {
            return List.of(send, steps.skipped(TestStep.ROUND_TRIP_RECEIVE, "skipped: the test message was not sent"));
        }
        return List.of(send, receive(token));
    }

    private StepResult send(String token) {
        long start = System.nanoTime();
        Target t = steps.target();
        Endpoint ep = t.smtp();
        Session session = steps.sessions().session(steps.properties(Protocol.SMTP, ep));
        try {
            return steps.sessions().call(() -> {
                MimeMessage m = new MimeMessage(session);
                InternetAddress self = new InternetAddress(t.emailAddress(), true);
                m.setFrom(self);
                m.setRecipient(Message.RecipientType.TO, self);
                m.setSubject(SUBJECT + token);
                m.setHeader("Auto-Submitted", "auto-generated");
                m.setText("This message was sent by talentATS to check your email connection. "
                        + "It is removed automatically; you can delete it if you see it.\n");
                m.saveChanges();
                try (Transport transport = session.getTransport("smtp")) {
                    transport.connect(ep.host(), ep.port(), t.username(), t.password().reveal());
                    transport.sendMessage(m, m.getAllRecipients());
                }
                return steps.passed(TestStep.ROUND_TRIP_SEND, "test message sent to " + t.emailAddress(), null, start);
            });
        } catch (SendFailedException e) {
            return steps.failed(TestStep.ROUND_TRIP_SEND, Protocol.SMTP, ep, new Diagnosis(
                    FailureClass.RECIPIENT_REJECTED, e.getMessage(), "the server did not accept the test message"),
                    null, start);
        } catch (MessagingException | RuntimeException e) {
            return steps.failed(TestStep.ROUND_TRIP_SEND, Protocol.SMTP, ep, e, null, start);
        }
    }

    private StepResult receive(String token) {
        long start = System.nanoTime();
        Target t = steps.target();
        Endpoint ep = t.imap();
        Duration wait = options.roundTripTimeout();
        Session session = steps.sessions().session(steps.properties(Protocol.IMAP, ep));
        try {
            return steps.sessions().call(() -> {
                try (Store store = session.getStore("imap")) {
                    store.connect(ep.host(), ep.port(), t.username(), t.password().reveal());
                    Folder inbox = store.getFolder("INBOX");
                    inbox.open(options.keepTestMessage() ? Folder.READ_ONLY : Folder.READ_WRITE);
                    long deadline = System.nanoTime() + wait.toNanos();
                    long pause = Duration.ofMillis(200).toNanos();
                    while (true) {
                        inbox.getMessageCount(); // a NOOP: lets the server report new mail
                        Message[] found = inbox.search(new SubjectTerm(token));
                        if (found.length > 0) {
                            String detail = "test message arrived after " + Steps.since(start).toMillis() + " ms";
                            if (!options.keepTestMessage()) {
                                inbox.setFlags(found, new Flags(Flags.Flag.DELETED), true);
                                detail += " and was removed";
                            }
                            inbox.close(!options.keepTestMessage());
                            return steps.passed(TestStep.ROUND_TRIP_RECEIVE, detail, null, start);
                        }
                        if (System.nanoTime() > deadline) {
                            inbox.close(false);
                            return steps.failed(TestStep.ROUND_TRIP_RECEIVE, Protocol.IMAP, ep, new Diagnosis(
                                    FailureClass.MESSAGE_NOT_RECEIVED, null, "the test message did not arrive within "
                                            + wait.toSeconds() + " s"), null, start);
                        }
                        LockSupport.parkNanos(pause);
                        pause = Math.min(pause * 2, Duration.ofSeconds(2).toNanos());
                    }
                }
            });
        } catch (MessagingException | RuntimeException e) {
            return steps.failed(TestStep.ROUND_TRIP_RECEIVE, Protocol.IMAP, ep, e, null, start);
        }
    }
}
