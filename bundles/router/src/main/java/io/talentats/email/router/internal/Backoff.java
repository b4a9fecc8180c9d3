package io.talentats.email.router.internal;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with ±20 % jitter, so that many failed messages do not all retry at the same instant. */
final class Backoff {

    private Backoff() {}

    static Duration after(int attempts, long initialMillis, long maxMillis) {
        double base = initialMillis * Math.pow(2, Math.max(0, attempts - 1));
        double capped = Math.min(base, maxMillis);
        double jitter = 0.8 + ThreadLocalRandom.current().nextDouble() * 0.4;
        return Duration.ofMillis(Math.max(1, (long) (capped * jitter)));
    }
}
