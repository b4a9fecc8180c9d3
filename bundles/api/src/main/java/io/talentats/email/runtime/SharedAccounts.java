package io.talentats.email.runtime;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Account settings shared by every node on one database. The settings service stays ConfigAdmin-backed: it records
 * here what it stores (secrets already encrypted, so the database holds no plain secret), and every node mirrors
 * what is recorded into its own ConfigAdmin. Versions come from one counter that a recording holds locked until it
 * commits, so whoever reads version {@code n} has already been able to read every version below it: polling
 * {@link #since} with the highest version seen misses nothing.
 */
@ProviderType
public interface SharedAccounts {

    /**
     * Records an account's stored settings, or that it was disconnected.
     *
     * @param settings the stored properties (values {@code String}, {@code Integer}, {@code Long} or
     *                 {@code Boolean}), or {@code null} for a disconnection
     * @return the version given to this change, higher than any before it
     */
    long publish(String userId, Map<String, Object> settings);

    /** The newest change of each account changed after version {@code after}, oldest first. */
    List<Change> since(long after);

    /** One account's newest recorded state. */
    record Change(long version, String userId, Map<String, Object> settings) {

        /** Whether the account was disconnected. */
        public boolean removed() {
            return settings == null;
        }
    }
}
