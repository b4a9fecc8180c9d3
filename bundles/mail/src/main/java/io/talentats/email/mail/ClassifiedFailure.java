package io.talentats.email.mail;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A failure that knows its own class, because it was classified where it was read (a provider API's documented
 * error answer): {@link MailFailures#classify} takes its diagnosis as it is.
 */
@ConsumerType
public interface ClassifiedFailure {

    Diagnosis diagnosis();

    /**
     * Whether the same request may succeed later as it is (throttled, a quota for the day, the service unavailable
     * for a while); {@code false} when it never will (the message refused as it is).
     */
    default boolean retryable() {
        return true;
    }
}
