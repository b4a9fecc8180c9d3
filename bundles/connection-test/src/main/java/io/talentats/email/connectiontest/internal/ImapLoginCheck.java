package io.talentats.email.connectiontest.internal;

import java.util.concurrent.atomic.AtomicReference;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Security;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.TestStep;
import io.talentats.email.mail.MailSessions.Protocol;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

/** Connects to the IMAP server as the reply collector would: TLS as configured, login, INBOX opened read-only. */
final class ImapLoginCheck {

    private final Steps steps;
    private final AtomicReference<Store> open = new AtomicReference<>();

    ImapLoginCheck(Steps steps) {
        this.steps = steps;
    }

    StepResult run() {
        long start = System.nanoTime();
        Target t = steps.target();
        Endpoint ep = t.imap();
        Session session = steps.sessions().session(steps.properties(Protocol.IMAP, ep));
        try {
            return steps.sessions().call(() -> {
                Store store = session.getStore("imap");
                open.set(store);
                store.connect(ep.host(), ep.port(), t.username(), t.password().reveal());
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                int count = inbox.getMessageCount();
                inbox.close(false);
                return steps.passed(TestStep.IMAP, (ep.security() == Security.NONE ? "connected without encryption"
                        : "connected with " + ep.security().label()) + ", logged in as "
                        + t.username() + ", INBOX opened (" + count + " messages)", null, start);
            });
        } catch (MessagingException | RuntimeException e) {
            return steps.failed(TestStep.IMAP, Protocol.IMAP, ep, e, null, start);
        } finally {
            abort();
        }
    }

    /** Closes the connection; safe from another thread when the check overruns its deadline. */
    void abort() {
        Store store = open.getAndSet(null);
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException | RuntimeException ignored) {
                // closing a connection that failed
            }
        }
    }
}
