package io.talentats.email.mail.internal;

import java.time.Clock;
import java.util.Properties;
import java.util.function.Supplier;

import io.talentats.email.mail.MailSessions;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.mail.MailboxLogin;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.smtp.SMTPTransport;

/** One user's SMTP and IMAP login to an account; see {@link AccountLogin}. */
final class SmtpImapLogin extends MailboxLogin {

    private final MailSessions sessions;
    private Transport transport;
    /** When the transport last had an answer from the server ({@link System#nanoTime()}). */
    private long lastAnswer;
    private String lastReply;

    /**
     * A connection that answered this recently is used again without asking first: Angus's
     * {@code Transport.isConnected()} sends a NOOP, a round trip that would otherwise come with every message. If
     * the server closed it all the same, the send fails before anything was delivered and goes again at once on a
     * new connection ({@link #connectionLost}).
     */
    static final long UNCHECKED_REUSE_NANOS = 1_000_000_000L;

    SmtpImapLogin(String userId, MailAccount fixed, MailSessions sessions, CredentialVault vault,
            Supplier<AccountStates> states, Clock clock) {
        super(userId, fixed, vault, states, clock);
        this.sessions = sessions;
    }

    @Override
    public String send(MimeMessage message, Address[] recipients) throws MessagingException {
        return sessions.call(() -> {
            boolean unchecked = transport != null && System.nanoTime() - lastAnswer < UNCHECKED_REUSE_NANOS;
            Transport t = transport();
            try {
                return sendOn(t, message, recipients);
            } catch (MessagingException | RuntimeException e) {
                if (!unchecked || !connectionLost(t, e)) {
                    throw e;
                }
                return sendOn(transport(), message, recipients);
            }
        });
    }

    private String sendOn(Transport t, MimeMessage message, Address[] recipients) throws MessagingException {
        try {
            t.sendMessage(message, recipients);
            lastAnswer = System.nanoTime();
            lastReply = reply(t);
            return lastReply;
        } catch (MessagingException | RuntimeException e) {
            lastReply = reply(t);
            close();
            throw e;
        }
    }

    /**
     * Whether a send failed because the connection was gone (no answer, or the server's 421 "closing"), not
     * because the server refused the message: what the NOOP before it would have found.
     */
    static boolean connectionLost(Transport t, Exception e) {
        if (t instanceof SMTPTransport s && (s.getLastReturnCode() == 421 || s.getLastReturnCode() == -1)) {
            return true;
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String lastServerReply() {
        return lastReply;
    }

    @Override
    public boolean connected() {
        return transport != null && transport.isConnected();
    }

    private Transport transport() throws MessagingException {
        if (transport != null
                && (System.nanoTime() - lastAnswer < UNCHECKED_REUSE_NANOS || transport.isConnected())) {
            return transport;
        }
        close();
        MailAccount a = required();
        try {
            transport = connectSmtp(a);
        } catch (MessagingException | RuntimeException e) {
            if (!handedBack(a, e)) {
                throw e;
            }
            transport = connectSmtp(required());
        }
        lastAnswer = System.nanoTime();
        return transport;
    }

    private Transport connectSmtp(MailAccount a) throws MessagingException {
        Properties props = sessions.properties(Protocol.SMTP, a.smtp(), a.oauth());
        // Without a login name, no password either: Jakarta Mail would otherwise log in as the OS user.
        String user = a.username();
        props.put("mail.smtp.auth", Boolean.toString(user != null));
        Transport t = sessions.session(props).getTransport("smtp");
        try {
            t.connect(a.smtp().host(), a.smtp().port(), user,
                    user == null || a.password() == null ? null : a.password().reveal());
        } catch (MessagingException | RuntimeException e) {
            lastReply = reply(t);
            throw e;
        }
        return t;
    }

    @Override
    public <S extends Store> S openStore(StoreFactory<S> stores, boolean forIdle) throws MessagingException {
        MailAccount a = required();
        try {
            return connectImap(a, stores, forIdle);
        } catch (MessagingException | RuntimeException e) {
            if (!handedBack(a, e)) {
                throw e;
            }
            return connectImap(required(), stores, forIdle);
        }
    }

    private <S extends Store> S connectImap(MailAccount a, StoreFactory<S> stores, boolean forIdle)
            throws MessagingException {
        Properties props = sessions.properties(Protocol.IMAP, a.imap(), a.oauth());
        if (forIdle) {
            // IdleManager needs socket channels: no plain socket factory (TLS is still layered by ours).
            props.remove("mail.imap.socketFactory");
            props.put("mail.imap.usesocketchannels", "true");
        }
        // An OAuth account: a folder's own connection logs in later with the token current then, from a session of
        // its own. A password is given at connect: the session is the one of every mailbox on that server.
        Session session = a.oauth() && fixed() == null
                ? sessions.session(props, () -> vault().open(userId()).map(x -> x.password().reveal()).orElse(null))
                : sessions.shared(props);
        return sessions.call(() -> {
            S store = stores.create(session);
            try {
                store.connect(a.imap().host(), a.imap().port(), a.username(), a.password().reveal());
            } catch (MessagingException | RuntimeException e) {
                try {
                    store.close();
                } catch (MessagingException | RuntimeException ignored) {
                    // it never opened
                }
                throw e;
            }
            return store;
        });
    }

    @Override
    public void close() {
        Transport t = transport;
        transport = null;
        if (t != null) {
            try {
                t.close();
            } catch (MessagingException | RuntimeException ignored) {
                // closing a connection that is no longer wanted
            }
        }
    }

    private static String reply(Transport t) {
        return t instanceof SMTPTransport s ? s.getLastServerResponse() : null;
    }
}
