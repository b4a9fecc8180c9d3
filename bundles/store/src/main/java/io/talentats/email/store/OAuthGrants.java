package io.talentats.email.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * OAuth grants and browser sign-ins under way, as the OAuth bundle keeps them. Token values are ciphertext made by
 * the caller; the store never sees a token in plain text.
 */
@ProviderType
public interface OAuthGrants {

    /**
     * A user's grant.
     *
     * @param refreshToken ciphertext, or {@code null} when the provider gave none
     * @param accessToken ciphertext, or {@code null}
     * @param accessExpiresAt when the access token expires, or {@code null}
     * @param accessRenewAt when the access token should be renewed (some time before it expires), or {@code null}
     * @param version grows with every write; rotation and refresh compare it
     */
    record Grant(String userId, String provider, String refreshToken, String accessToken, Instant accessExpiresAt,
            Instant accessRenewAt, long version) {
        @Override
        public String toString() {
            return "Grant[" + userId + ", " + provider + ", v" + version + ", expires " + accessExpiresAt + "]";
        }
    }

    /**
     * A browser sign-in under way. {@code verifier} is ciphertext; {@code mailAccess} the way into the mailbox it was
     * started for ({@code null}: the client's own).
     */
    record Flow(String state, String userId, String provider, String presetId, String verifier, String nonce,
            String startedBy, Instant expiresAt, String mailAccess) {

        /** A sign-in for the client's own way into the mailbox. */
        public Flow(String state, String userId, String provider, String presetId, String verifier, String nonce,
                String startedBy, Instant expiresAt) {
            this(state, userId, provider, presetId, verifier, nonce, startedBy, expiresAt, null);
        }

        @Override
        public String toString() {
            return "Flow[" + userId + ", " + provider + ", started by " + startedBy + "]";
        }
    }

    /** What a refresh decided, under the row lock. */
    @FunctionalInterface
    interface Refresh {
        /**
         * @param current the grant as stored now (another node may have refreshed it a moment ago)
         * @return the grant to store, or {@code current} itself to change nothing
         */
        Grant apply(Grant current) throws Exception;
    }

    Optional<Grant> grant(String userId);

    /** Every grant (for key rotation). */
    List<Grant> grants();

    /** Stores a new grant for the user (a sign-in), replacing any earlier one; returns it with its version. */
    Grant putGrant(Grant grant);

    /**
     * Runs {@code refresh} while holding the grant's row lock, on a connection of its own (not the store's writer),
     * and stores what it returns in the same transaction.
     *
     * @return the grant after the refresh, or empty when the user has no grant
     * @throws Exception what {@code refresh} threw; nothing was changed then
     */
    Optional<Grant> refresh(String userId, Refresh refresh) throws Exception;

    /**
     * Replaces the token ciphertexts if the grant is still at {@code version} (key rotation).
     *
     * @return whether it was replaced
     */
    boolean reencrypted(String userId, long version, String refreshToken, String accessToken);

    /** Removes the user's grant; whether there was one. */
    boolean deleteGrant(String userId);

    void putFlow(Flow flow);

    /** Takes the flow out of the store, so it can be used once; empty when unknown or already used. */
    Optional<Flow> takeFlow(String state);

    /** Forgets flows that expired before {@code now}. */
    int purgeFlows(Instant now);
}
