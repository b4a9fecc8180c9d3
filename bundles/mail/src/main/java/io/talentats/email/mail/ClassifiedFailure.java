package io.talentats.email.mail;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A failure that knows its own class, because it was classified where it was read (a provider API's documented
 * error answer): {@link MailFailures#classify} takes its diagnosis as it is.
 */
@ConsumerType
public interface ClassifiedFailure {

    Diagnosis diagnosis();
}
