package io.talentats.email.api;

import java.time.Duration;

/**
 * A provider's known cap on outgoing mail: at most {@code messages} per {@code period}. The router keeps each
 * account under it; what does not fit waits in the outbox.
 */
public record SendingLimit(int messages, Duration period) {

    @Override
    public String toString() {
        return messages + " per " + period;
    }
}
