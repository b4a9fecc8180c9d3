package io.talentats.email.runtime;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Verification;

/**
 * What using an account taught us, kept in the store beside the messages and not in the account's configuration:
 * the last connection test and the account's health.
 *
 * @param userId the ATS user
 * @param lastVerification the last test of the stored settings, or {@code null} if never tested
 * @param health what the last real use said; healthy when nothing is known
 */
public record AccountState(String userId, Verification lastVerification, AccountHealth health) {

    public AccountState {
        health = health == null ? AccountHealth.healthy() : health;
    }

    /** Nothing known yet: never tested, healthy. */
    public static AccountState unknown(String userId) {
        return new AccountState(userId, null, AccountHealth.healthy());
    }
}
