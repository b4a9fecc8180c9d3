package io.talentats.email.mail;

import java.time.Duration;

import io.talentats.email.runtime.MailAccount;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The one way into a recruiter's mailbox. Everything that logs in with an account's credentials (the router's lanes,
 * the collector's watched mailboxes, Test Connection, the Sent-folder copy, and through Test Connection the health
 * watch) asks for an {@link AccountLogin} here and logs in through it, so the rules live in one place: the
 * credential is decrypted at the moment of use, an OAuth access token is not used within {@link #TOKEN_SKEW} of its
 * expiry, a refused token is handed back once and the login tried again at once with a fresh one, failures are
 * classified by {@link MailFailures}, and what they say of the account is recorded as its health once per incident.
 *
 * <p>The verbs are the ones an HTTP mail API has too: send a MIME message; read the inbox (an IMAP connection, or
 * an {@link ApiInbox}). Each implementation is a service with a {@value #PROPERTY} property naming it: this bundle's
 * {@code smtp-imap}, the provider-API bundle's {@code graph} and {@code gmail-api}, or one a plugin adds (a
 * whiteboard). An account names the one it uses ({@code io.talentats.email.api.Account#mailAccess()}); the service
 * with {@code mail.access=}{@value #BY_ACCOUNT} hands each user's login to the implementation their account names,
 * which is what the router, the collector and Test Connection use.
 */
@ProviderType
public interface MailAccess {

    /** The service property naming an implementation. */
    String PROPERTY = "mail.access";

    /** The {@value #PROPERTY} of the service that logs each user in the way their account says. */
    String BY_ACCOUNT = "account";

    /**
     * How long before its expiry an OAuth access token is no longer used for a new connection: a watcher logs in
     * again this long ahead, a lane reconnects. Less than the token service renews ahead (a quarter of the token's
     * life, at most a minute), so the new token is there by then.
     */
    Duration TOKEN_SKEW = Duration.ofSeconds(5);

    /**
     * A login for one user of the account (a lane, a watcher, a test): it keeps what that user learned (the account
     * opened last, a token handed back, health it recorded). Not thread-safe: one owner at a time, as a lane's or a
     * watcher's serial executor.
     */
    AccountLogin login(String userId);

    /**
     * A login with credentials the caller holds rather than a recruiter's stored account (the platform's bounce
     * mailbox, from the platform configuration): nothing is refreshed and no health is recorded.
     */
    AccountLogin login(MailAccount account);
}
