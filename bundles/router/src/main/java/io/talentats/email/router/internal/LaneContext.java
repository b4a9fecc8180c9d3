package io.talentats.email.router.internal;

import java.time.Clock;
import java.util.function.Supplier;

import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.store.MessageStore;

/**
 * What a lane needs to deliver, fixed when the outbox starts.
 *
 * @param store the outbox
 * @param sessions mail sessions
 * @param access the way into the recruiters' mailboxes (credentials, retries, health)
 * @param platform the platform transport as configured now
 * @param events the router's events
 * @param retry when to try again and when to give up
 * @param clock the time
 * @param appender copies to the Sent folder
 * @param rules sending limits and Sent-folder rules of the providers
 * @param authFailureFallback whether system mail falls back to the platform when the recruiter's login is refused
 */
record LaneContext(MessageStore store, MailSessions sessions, MailAccess access,
        Supplier<PlatformSettings> platform, Events events, RetryPolicy retry, Clock clock,
        SentFolderAppender appender, ProviderRules rules, boolean authFailureFallback) {}
