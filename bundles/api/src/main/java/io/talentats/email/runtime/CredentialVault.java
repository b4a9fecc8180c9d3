package io.talentats.email.runtime;

import java.util.Optional;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Verification;

import org.osgi.annotation.versioning.ProviderType;

/** Gives our bundles an account with its password decrypted, and takes back what using it taught us. */
@ProviderType
public interface CredentialVault {

    /**
     * The user's account with the password decrypted, if the user has one.
     *
     * @throws IllegalStateException if the stored secret cannot be decrypted (key missing or data tampered with);
     *     the message says which, never the secret
     */
    Optional<MailAccount> open(String userId);

    /** Remembers the outcome of a connection test of the stored account. */
    void recordVerification(String userId, Verification verification);

    /**
     * Remembers that these settings passed a connection test just now, for the option that requires a passed test
     * before save. Only a keyed fingerprint of the settings (password included) is kept, in memory.
     *
     * @param draft the tested settings; without a password it stands for the stored one
     */
    void recordPassedTest(String userId, AccountDraft draft, Verification verification);

    /** Remembers what the last real use of the account said; announced when the state changes. */
    void recordHealth(String userId, AccountHealth health);
}
