package io.talentats.email.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.talentats.email.api.SendingLimit;

import org.junit.jupiter.api.Test;

class SendingLimiterTest {

    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void handsOutTimesThatKeepEveryWindowUnderItsLimit() {
        SendingLimiter l = new SendingLimiter(List.of(new SendingLimit(3, Duration.ofSeconds(60)),
                new SendingLimit(5, Duration.ofHours(1))), List.of());
        assertThat(l.reserve(T0)).isEqualTo(T0);
        assertThat(l.reserve(T0)).isEqualTo(T0);
        assertThat(l.reserve(T0)).isEqualTo(T0);
        assertThat(l.reserve(T0)).as("4th in the minute").isEqualTo(T0.plusSeconds(60));
        assertThat(l.reserve(T0)).isEqualTo(T0.plusSeconds(60));
        assertThat(l.reserve(T0)).as("6th in the hour").isEqualTo(T0.plusSeconds(3600));
    }

    @Test
    void remembersWhatWasSentBeforeARestart() {
        SendingLimiter l = new SendingLimiter(List.of(new SendingLimit(2, Duration.ofSeconds(10))),
                List.of(T0.minusSeconds(5), T0.minusSeconds(1)));
        assertThat(l.reserve(T0)).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void aCancelledTimeIsFreeAgain() {
        SendingLimiter l = new SendingLimiter(List.of(new SendingLimit(1, Duration.ofSeconds(10))), List.of());
        assertThat(l.reserve(T0)).isEqualTo(T0);
        Instant later = l.reserve(T0);
        assertThat(later).isEqualTo(T0.plusSeconds(10));
        l.cancel(later);
        assertThat(l.reserve(T0.plusSeconds(10))).isEqualTo(T0.plusSeconds(10));
    }

    @Test
    void theWindowCountsFromWhenTheServerAcceptedTheMessage() {
        SendingLimiter l = new SendingLimiter(List.of(new SendingLimit(2, Duration.ofSeconds(10))), List.of());
        Instant first = l.reserve(T0);
        Instant second = l.reserve(T0.plusMillis(100));
        // The first send opened the connection and took 2 s; the second was accepted at once
        l.accepted(first, T0.plusSeconds(2));
        l.accepted(second, T0.plusMillis(150));
        assertThat(l.reserve(T0.plusSeconds(3))).as("10 s after the earlier of the two acceptances")
                .isEqualTo(T0.plusMillis(10_150));
        assertThat(l.reserve(T0.plusSeconds(3))).as("10 s after the slow one's acceptance")
                .isEqualTo(T0.plusSeconds(12));
    }

    @Test
    void noLimitsNoWaiting() {
        SendingLimiter l = new SendingLimiter(List.of(), List.of());
        for (int i = 0; i < 1000; i++) {
            assertThat(l.reserve(T0)).isEqualTo(T0);
        }
        assertThat(l.limited()).isFalse();
    }
}
