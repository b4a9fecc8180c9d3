package io.talentats.email.runtime;

import java.util.Map;
import java.util.Optional;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Verification;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The runtime state of accounts (health, last test), kept in the message database. What a recruiter typed stays in
 * ConfigAdmin; what using the account says changes often and lives here, so that a health change rewrites no
 * configuration file, fires no configuration event and rebuilds nothing that depends on the settings. Changes are
 * announced on {@code account/HEALTH} and {@code account/VERIFIED}.
 */
@ProviderType
public interface AccountStates {

    /** The user's state; {@link AccountState#unknown} when nothing was recorded. */
    AccountState get(String userId);

    /** Every recorded state, by user id. */
    Map<String, AccountState> all();

    /** Remembers the outcome of a connection test of the stored settings; announced on {@code account/VERIFIED}. */
    void recordVerification(String userId, Verification verification);

    /**
     * Remembers what the last real use of the account said.
     *
     * @return whether the state changed (and {@code account/HEALTH} was announced)
     */
    boolean recordHealth(String userId, AccountHealth health);

    /** Forgets everything about the account (disconnected, or its connection settings changed). */
    void forget(String userId);

    /**
     * A passed test of settings not saved yet, remembered so that a save on any node may rely on it.
     *
     * @param sealedFingerprint what identifies the tested settings, encrypted by the settings service (it covers
     *        the password, so it is never stored in the clear)
     * @param verification the test
     */
    record PassedTest(String sealedFingerprint, Verification verification) {}

    /** Remembers the user's latest passed test of unsaved settings, replacing an earlier one. */
    void recordPassedTest(String userId, PassedTest test);

    /** The user's latest passed test of unsaved settings, if one is remembered. */
    Optional<PassedTest> passedTest(String userId);

    /** Forgets the user's passed test of unsaved settings (they were saved, or the account disconnected). */
    void forgetPassedTest(String userId);
}
