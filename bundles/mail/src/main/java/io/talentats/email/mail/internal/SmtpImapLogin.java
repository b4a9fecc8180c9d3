package io.talentats.email.mail.internal;

import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Properties;
import java.time.Clock;
import java.util.function.Supplier;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailFailures;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.mail.MailSessions.Protocol;
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
final class SmtpImapLogin implements AccountLogin {

    private final String userId;
    /** Credentials the caller holds (the platform's), or {@code null} for the user's stored account. */
    private final MailAccount fixed;
    private final MailSessions sessions;
    private final CredentialVault vault;
    private final Supplier<AccountStates> states;
    private final Clock clock;

    private MailAccount account;
    /** An access token was refused once and handed back for a refresh; a second refusal is real. */
    private boolean tokenRejected;
    /** This login recorded the account as failing; the next success records it healthy again. */
    private boolean markedUnhealthy;
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

    SmtpImapLogin(String userId, MailAccount fixed, MailSessions sessions, CredentialVault vault, Supplier<AccountStates> states,
            Clock clock) {
        this.userId = userId;
        this.fixed = fixed;
        this.sessions = sessions;
        this.vault = vault;
        this.states = states;
        this.clock = clock;
    }

    @Override
    public String userId() {
        return userId;
    }

    @Override
    public Optional<MailAccount> account() {
        if (fixed != null) {
            return Optional.of(fixed);
        }
        if (account == null || expiring(account)) {
            account = vault.open(userId).orElse(null);
        }
        return Optional.ofNullable(account);
    }

    private boolean expiring(MailAccount a) {
        return a.secretExpiresAt() != null
                && !a.secretExpiresAt().isAfter(clock.instant().plus(MailAccess.TOKEN_SKEW));
    }

    private MailAccount required() {
        return account().orElseThrow(() -> new NoSuchElementException("User " + userId + " has no email account"));
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
        Session session = a.oauth() && fixed == null
                ? sessions.session(props, () -> vault.open(userId).map(x -> x.password().reveal()).orElse(null))
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

    /** Whether a refused access token was handed back for a fresh one (once, until the account works again). */
    private boolean handedBack(MailAccount a, Exception e) {
        if (!a.oauth() || fixed != null || tokenRejected || !MailFailures.classify(e, null).loginRefused()) {
            return false;
        }
        tokenRejected = true;
        vault.rejected(userId, a.password());
        account = null;
        return true;
    }

    @Override
    public void worked() {
        tokenRejected = false;
        if (markedUnhealthy) {
            markedUnhealthy = false;
            recordState(AccountHealth.healthy());
        }
    }

    @Override
    public Diagnosis failed(Protocol protocol, Exception error, String serverReply) {
        Diagnosis d = MailFailures.classify(error, serverReply);
        if (d.loginRefused()) {
            String reply = d.serverReply() != null ? d.serverReply() : serverReply;
            recordState(new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING, "the "
                    + protocol.name() + " server refused the login" + (reply == null ? "" : ": " + reply),
                    clock.instant()));
            markedUnhealthy = true;
            account = null;
        }
        return d;
    }

    @Override
    public void unreachable(String why) {
        if (!markedUnhealthy) {
            markedUnhealthy = true;
            recordState(new AccountHealth(AccountHealth.State.UNREACHABLE, why, clock.instant()));
        }
    }

    @Override
    public void record(AccountHealth health) {
        markedUnhealthy = false;
        recordState(health);
    }

    private void recordState(AccountHealth health) {
        AccountStates s = states.get();
        if (s != null) {
            s.recordHealth(userId, health);
        }
    }

    @Override
    public void forget() {
        close();
        account = null;
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
