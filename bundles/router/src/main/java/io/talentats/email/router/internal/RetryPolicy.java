package io.talentats.email.router.internal;

import java.time.Duration;

import io.talentats.email.support.Backoff;

/**
 * When a message that failed for a passing reason is tried again: after an exponential backoff, at most
 * {@code maxAttempts} times.
 */
record RetryPolicy(Duration initialDelay, Duration maxDelay, int maxAttempts) {

    static RetryPolicy of(RouterConfig config) {
        return new RetryPolicy(Duration.ofMillis(config.retry_initial_delay_ms()),
                Duration.ofMillis(config.retry_max_delay_ms()), config.retry_max_attempts());
    }

    boolean exhausted(int attempts) {
        return attempts >= maxAttempts;
    }

    Duration delayAfter(int attempts) {
        return Backoff.after(Math.max(1, attempts), initialDelay, maxDelay);
    }
}
