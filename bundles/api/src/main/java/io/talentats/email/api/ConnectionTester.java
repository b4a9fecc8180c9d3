package io.talentats.email.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Tests mailbox settings against the real servers and says, for a failure, what the recruiter should fix. Every
 * network step is bounded by the configured timeouts; a test never hangs.
 */
@ProviderType
public interface ConnectionTester {

    /**
     * Tests settings that are not saved yet, e.g. from the settings form.
     *
     * @param userId whose stored password to use when the draft has none (editing a saved account without retyping
     *     the password), or {@code null}
     * @throws InvalidSettingsException if the draft is not even well-formed; nothing is contacted
     */
    ConnectionReport test(String userId, AccountDraft draft, TestOptions options) throws InvalidSettingsException;

    /**
     * Tests the stored account of {@code userId} and remembers the outcome as its last verification.
     *
     * @throws java.util.NoSuchElementException if the user has no account
     */
    ConnectionReport testStored(String userId, TestOptions options);
}
