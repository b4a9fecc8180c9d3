package io.talentats.email.router.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "talentATS email router",
        description = "How the outbox delivers: workers, retries, connection reuse, sending limits.")
public @interface RouterConfig {

    String PID = "io.talentats.email.router";

    @AttributeDefinition(name = "Workers", description = "Threads delivering mail; each works on one sender at a time.",
            min = "1", max = "64")
    int workers() default 4;

    @AttributeDefinition(name = "First retry delay (ms)",
            description = "Wait after the first transient failure; doubled for each further one.", min = "10")
    long retry_initial_delay_ms() default 30_000;

    @AttributeDefinition(name = "Longest retry delay (ms)", min = "10")
    long retry_max_delay_ms() default 3_600_000;

    @AttributeDefinition(name = "Attempts", description = "Attempts before a message is given up as failed.",
            min = "1")
    int retry_max_attempts() default 8;

    @AttributeDefinition(name = "Idle connection close (ms)",
            description = "An SMTP connection kept for a sender's burst is closed after this long without use.")
    long smtp_idle_close_ms() default 5_000;

    @AttributeDefinition(name = "Largest message (bytes)",
            description = "Attachments of one message together may not be larger.")
    long max_attachment_bytes() default 10L * 1024 * 1024;

    @AttributeDefinition(name = "Fall back to the platform on login failure",
            description = "When a recruiter's SMTP server refuses the stored login, stage-change and interview "
                    + "mail goes through the platform on their behalf instead of failing.")
    boolean auth_failure_fallback() default true;

    @AttributeDefinition(name = "Sending limits",
            description = "Per-sender limits that override the presets' known limits, each PRESET=COUNT/PERIOD[,...] "
                    + "with an ISO-8601 period, e.g. outlook=30/PT1M,300/P1D; '*' applies to accounts without a "
                    + "preset.")
    String[] sending_limits() default {};

    @AttributeDefinition(name = "Lease (ms)",
            description = "How long a worker owns an outbox entry; an entry of a crashed node is due again after it.")
    long lease_ms() default 300_000;

    @AttributeDefinition(name = "Bounced recipients",
            description = "What happens to a message to an address that hard-bounced for the same recruiter: refuse "
                    + "(refused at submit, with the bounce's reason) or warn (sent; the history notes the bounce).",
            options = {
                @org.osgi.service.metatype.annotations.Option(label = "refuse", value = "refuse"),
                @org.osgi.service.metatype.annotations.Option(label = "warn", value = "warn")
            })
    String bounced_recipients() default "refuse";

    @AttributeDefinition(name = "Outbox poll (ms)",
            description = "How often the outbox is checked for entries that became due (new ones start at once).")
    long poll_interval_ms() default 1_000;
}
