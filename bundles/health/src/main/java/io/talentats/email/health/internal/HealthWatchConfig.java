package io.talentats.email.health.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "talentATS email account health watch",
        description = "Re-checks enabled accounts now and then, tells the recruiter when their mailbox connection "
                + "stops working, and pauses an account that keeps failing. Durations are ISO-8601: PT1M, PT1H, P1D.")
public @interface HealthWatchConfig {

    String PID = "io.talentats.email.health";

    @AttributeDefinition(name = "Re-check every", description = "How often each enabled account's stored settings "
            + "are tested (SMTP and IMAP login). An account that sent or received mail since its last check is "
            + "not tested again. PT0S turns re-checks off.")
    String recheck_interval() default "P1D";

    @AttributeDefinition(name = "Look every", description = "How often the watch looks for accounts due a "
            + "re-check or a notice. Checks due are spread: at most as many per look as the interval needs.")
    String tick() default "PT1M";

    @AttributeDefinition(name = "Notify", description = "Email the recruiter (through the platform transport) "
            + "once per incident when their account stops working.")
    boolean notify_recruiter() default true;

    @AttributeDefinition(name = "Unreachable for", description = "An unreachable server is reported to the "
            + "recruiter only after it has been unreachable this long (servers have short outages).")
    String unreachable_notify_after() default "PT1H";

    @AttributeDefinition(name = "Pause after", description = "An account failing this long is paused "
            + "(enabled=false) and the recruiter told, instead of being retried forever. PT0S never pauses.")
    String pause_after() default "P7D";

    @AttributeDefinition(name = "Settings page URL", description = "The address recruiters open Email Connection "
            + "Settings at, linked from the notices, e.g. https://ats.example.com/talentats-email/ui/index.html. "
            + "Empty: the notice says where to find the page in words.")
    String page_url() default "";
}
