package io.talentats.email.support;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with ±20 % jitter, so that many failed connections or messages do not all retry at the same
 * instant: {@code initial × 2^(attempts-1)}, at most {@code max}.
 */
public final class Backoff {

    private Backoff() {}

    /**
     * How long to wait after {@code attempts} failures in a row.
     *
     * @param attempts failures so far, at least 1
     */
    public static Duration after(int attempts, Duration initial, Duration max) {
        double base = initial.toMillis() * Math.pow(2, Math.min(30, Math.max(0, attempts - 1)));
        double capped = Math.min(base, max.toMillis());
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, (long) (capped * jitter)));
    }
}
