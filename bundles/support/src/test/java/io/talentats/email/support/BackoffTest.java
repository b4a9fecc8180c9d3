package io.talentats.email.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromTheFirstDelayUpToTheLongestWithJitter() {
        Duration initial = Duration.ofSeconds(1);
        Duration max = Duration.ofSeconds(300);
        for (int i = 0; i < 200; i++) {
            assertThat(Backoff.after(1, initial, max).toMillis()).isBetween(800L, 1200L);
            assertThat(Backoff.after(4, initial, max).toMillis()).isBetween(6400L, 9600L);
            assertThat(Backoff.after(40, initial, max).toMillis()).isBetween(240_000L, 360_000L);
        }
    }
}
