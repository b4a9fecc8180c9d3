package io.talentats.email.mail;

import java.util.Optional;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.runtime.MailAccount;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One user's login to an account's mailbox, from {@link MailAccess#login}. Sending keeps its connection open between
 * messages until {@link #close()}.
 */
@ProviderType
public interface AccountLogin {

    /** Makes the store a reading connection uses, from the session the login prepared (e.g. a store that signals). */
    @FunctionalInterface
    interface StoreFactory<S extends Store> {
        S create(Session session) throws MessagingException;
    }

    /** The user id this login is for. */
    String userId();

    /**
     * The account with its current credential: the one opened last, or opened again when an access token is within
     * {@link MailAccess#TOKEN_SKEW} of its expiry or was handed back.
     *
     * @return empty when the user has no account (disconnected)
     * @throws io.talentats.email.runtime.CredentialUnavailableException when the OAuth grant cannot give a token
     */
    Optional<MailAccount> account();

    /**
     * Sends {@code message} over the account's SMTP server, connecting first if needed. A refused access token is
     * handed back and the login tried once more at once with a fresh one.
     *
     * @return the server's reply to the message (e.g. {@code 250 2.0.0 Ok: queued as …})
     * @throws MessagingException as Jakarta Mail reports the failure; the connection is closed then, and
     *     {@link #lastServerReply()} holds what the server said last
     * @throws java.util.NoSuchElementException when the account was disconnected
     */
    String send(MimeMessage message, Address[] recipients) throws MessagingException;

    /** What the SMTP server said last on this login's connection; {@code null} if it said nothing yet. */
    String lastServerReply();

    /** Whether the sending connection is open. */
    boolean connected();

    /**
     * Opens and logs in a reading (IMAP) connection. A refused access token is handed back and the login tried once
     * more at once with a fresh one; the connection's later logins (a folder's) ask for the token current then.
     *
     * @param forIdle whether the connection will be watched with Angus's IdleManager (socket channels)
     * @throws java.util.NoSuchElementException when the account was disconnected
     */
    <S extends Store> S openStore(StoreFactory<S> stores, boolean forIdle) throws MessagingException;

    /**
     * The inbox when the mailbox is read through a provider's HTTP API; empty when it is read over IMAP
     * ({@link #openStore}).
     */
    default Optional<ApiInbox> inbox() {
        return Optional.empty();
    }

    /**
     * The account worked (a message accepted, a mailbox read): records it healthy again if this login had recorded
     * it failing, and allows a token to be handed back again.
     */
    void worked();

    /**
     * Classifies a failure of this login's {@code protocol}; a refused login is recorded as the account's health
     * ({@code AUTHENTICATION_FAILING}, with the server's words) and the opened account is forgotten.
     *
     * @param serverReply what the server said last, if known
     */
    Diagnosis failed(Protocol protocol, Exception error, String serverReply);

    /** The server could not be reached at all: recorded as the account's health ({@code UNREACHABLE}) once. */
    void unreachable(String why);

    /** Records {@code health} as the account's, whatever this login recorded before (Test Connection's verdict). */
    void record(AccountHealth health);

    /** The account's settings changed: the next use opens it again and reconnects. */
    void forget();

    /** Closes the sending connection. */
    void close();
}
