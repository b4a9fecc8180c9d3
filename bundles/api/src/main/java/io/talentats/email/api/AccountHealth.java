package io.talentats.email.api;

import java.time.Instant;

/**
 * What the last real use of an account (sending, reply collection) said about it.
 *
 * @param state the current state
 * @param reason why, in words a recruiter can act on; {@code null} when healthy
 * @param since when the account entered this state
 */
public record AccountHealth(State state, String reason, Instant since) {

    /** The states an account can be in. */
    public enum State {
        /** Working, or not used yet. */
        HEALTHY,
        /** The server refused the stored credentials: the recruiter must update the password. */
        AUTHENTICATION_FAILING,
        /** The server could not be reached or kept failing; retried with backoff. */
        UNREACHABLE,
        /**
         * The OAuth grant no longer works (revoked, password changed, consent withdrawn): the recruiter must sign in
         * again. Queued custom mail waits (held) until then.
         */
        NEEDS_REAUTHORIZATION
    }

    public static AccountHealth healthy() {
        return new AccountHealth(State.HEALTHY, null, null);
    }

    public boolean isHealthy() {
        return state == State.HEALTHY;
    }
}
