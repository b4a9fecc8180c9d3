package io.talentats.email.api;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Signing a recruiter's mailbox in with OAuth 2.0: the authorization code flow with PKCE for the page, the device
 * code flow for the shell. Tokens never leave our bundles; a completed sign-in saves the account (auth method
 * OAuth2, the provider's servers) and returns it.
 */
@ProviderType
public interface OAuthSignIns {

    /**
     * An OAuth provider an operator configured a client for, so its sign-in button is offered.
     *
     * @param mailAccess the way into the mailbox its sign-in is for ({@link Account#SMTP_IMAP}, {@link Account#GRAPH},
     *     {@link Account#GMAIL_API})
     * @param apiOffered the provider's API a second sign-in is offered for when the mailbox's SMTP or IMAP turns out
     *     to be off (the operator chose {@code mail.access = auto}), or {@code null}
     */
    record Option(String provider, String displayName, List<String> presetIds, boolean deviceFlow, String mailAccess,
            String apiOffered) {

        /** A provider whose sign-in is for SMTP and IMAP (the shape before version 2.2 of this package). */
        public Option(String provider, String displayName, List<String> presetIds, boolean deviceFlow) {
            this(provider, displayName, presetIds, deviceFlow, Account.SMTP_IMAP, null);
        }
    }

    /** The providers with a configured client, in display order. */
    List<Option> options();

    /**
     * Starts a sign-in in the browser: the returned URL goes to the provider's consent page, which comes back to our
     * callback. The flow's state and PKCE verifier are kept server-side for 10 minutes and used once.
     *
     * @param userId the ATS user whose account is connected
     * @param provider an {@link Option#provider()}
     * @param presetId the preset chosen, or {@code null} to take the provider's first
     * @param loginHint the address the recruiter typed, or {@code null}
     * @param startedBy who asked (the authenticated caller); only the same caller may complete the flow
     * @throws IllegalArgumentException when the provider has no configured client or the user id is not valid
     */
    default URI start(String userId, String provider, String presetId, String loginHint, String startedBy) {
        return start(userId, provider, presetId, loginHint, startedBy, null);
    }

    /**
     * As {@link #start(String, String, String, String, String)}, for a way into the mailbox: {@code null} for the
     * client's, or the provider's API its {@link Option#apiOffered()} names (the scopes asked for are that API's).
     *
     * @throws IllegalArgumentException also when the client does not allow {@code mailAccess}
     */
    URI start(String userId, String provider, String presetId, String loginHint, String startedBy,
            String mailAccess);

    /** What the callback learnt. */
    record Completion(String userId, Account account) {}

    /**
     * Completes a browser sign-in: checks the state (known, unexpired, unused, started by {@code caller}), exchanges
     * the code, keeps the tokens and saves the account.
     *
     * @throws OAuthException when the state is unknown, expired, used or another caller's, or the provider refused
     */
    Completion complete(String state, String code, String caller) throws OAuthException;

    /** A device code sign-in under way: what to show the recruiter. */
    record DeviceCode(String userId, String provider, String userCode, URI verificationUri, Duration expiresIn,
            Duration interval, String handle) {}

    /** Starts a device code sign-in (where the provider allows it). */
    DeviceCode startDevice(String userId, String provider) throws OAuthException;

    /** Polls until the recruiter approved (then saves the account), refused, or the code expired. */
    Account awaitDevice(DeviceCode code) throws OAuthException, InterruptedException;

    /** A sign-in that did not complete, in words to show (never a token). */
    final class OAuthException extends Exception {
        private static final long serialVersionUID = 1L;

        public OAuthException(String message) {
            super(message);
        }
    }
}
