package io.talentats.email.runtime;

import java.time.Instant;

import io.talentats.email.api.Secret;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Access tokens of OAuth accounts, for the credential vault. A valid token is answered from memory; one that is
 * about to expire is refreshed first (once per account at a time, on every node: the grant's row is locked), and a
 * rotated refresh token is stored before the old one is dropped.
 */
@ProviderType
public interface AccessTokens {

    /** An access token and when it expires. */
    record Token(Secret value, Instant expiresAt) {
        @Override
        public String toString() {
            return "Token[expires " + expiresAt + "]";
        }
    }

    /**
     * A token valid for a while yet.
     *
     * @throws CredentialUnavailableException when no grant is stored, the provider refused the grant ({@code
     *     invalid_grant}: the account needs a new sign-in) or could not be reached
     */
    Token current(String userId, String provider);

    /** Whether a grant from a sign-in with {@code provider} is stored for the user. */
    boolean hasGrant(String userId, String provider);

    /**
     * The server refused {@code token} although it had not expired (revoked early, or the clock is off): the next
     * {@link #current} refreshes.
     */
    void rejected(String userId, Secret token);
}
