package io.talentats.email.runtime;

import java.util.Optional;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Verification;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Gives our bundles an account with its password decrypted. What using the account teaches (health, tests) goes to
 * {@link AccountStates}, not here.
 */
@ProviderType
public interface CredentialVault {

    /**
     * The user's account with the password decrypted, if the user has one.
     *
     * @throws IllegalStateException if the stored secret cannot be decrypted (key missing or data tampered with);
     *     the message says which, never the secret
     */
    Optional<MailAccount> open(String userId);

    /**
     * A server refused the secret of an account opened a moment ago: for an OAuth account the access token is
     * refreshed before the next {@link #open}; for a password nothing changes.
     */
    default void rejected(String userId, Secret secret) {
        // passwords: nothing to do
    }

    /**
     * Remembers that these settings passed a connection test just now, for the option that requires a passed test
     * before save. Only a keyed fingerprint of the settings (password included) is kept, in memory.
     *
     * @param draft the tested settings; without a password it stands for the stored one
     */
    void recordPassedTest(String userId, AccountDraft draft, Verification verification);
}
