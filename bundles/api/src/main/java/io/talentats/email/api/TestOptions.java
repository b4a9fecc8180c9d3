package io.talentats.email.api;

import java.time.Duration;

/**
 * What a connection test does beyond logging in.
 *
 * @param roundTrip also send a test message to the account's own address and wait for it over IMAP
 * @param keepTestMessage leave the round-trip message in the inbox instead of deleting it
 * @param roundTripTimeout how long to wait for the test message to arrive
 */
public record TestOptions(boolean roundTrip, boolean keepTestMessage, Duration roundTripTimeout) {

    /** Log in to SMTP and IMAP only. */
    public static TestOptions loginOnly() {
        return new TestOptions(false, false, Duration.ofSeconds(30));
    }

    /** Log in, then send a message to the account's own address and see it arrive; the message is removed. */
    public static TestOptions withRoundTrip() {
        return new TestOptions(true, false, Duration.ofSeconds(30));
    }
}
