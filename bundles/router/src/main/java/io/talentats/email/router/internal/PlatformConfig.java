package io.talentats.email.router.internal;

import io.talentats.email.api.Security;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "talentATS email platform transport",
        description = "The platform's own SMTP server, which sends stage-change and interview mail on a recruiter's "
                + "behalf when their mailbox is not connected.")
public @interface PlatformConfig {

    String PID = "io.talentats.email.platform";

    @AttributeDefinition(name = "SMTP host", description = "Empty: no platform transport; system mail then needs "
            + "the recruiter's own mailbox.")
    String host() default "";

    @AttributeDefinition(name = "SMTP port", min = "1", max = "65535")
    int port() default 587;

    @AttributeDefinition(name = "Security")
    Security security() default Security.STARTTLS;

    @AttributeDefinition(name = "Username", description = "Empty: the server needs no login.")
    String username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD,
            description = "Stored encrypted. A plain-text value put here (e.g. in etc/io.talentats.email.platform.cfg) "
                    + "is encrypted and written back at once.")
    String password() default "";

    @AttributeDefinition(name = "From address", description = "The platform's sender address, e.g. "
            + "notifications@talentats.example.")
    String from_address() default "";

    @AttributeDefinition(name = "From name", description = "Display name on the recruiter's behalf; {name} is the "
            + "recruiter's name.")
    String from_name_pattern() default "{name} via talentATS";

    @AttributeDefinition(name = "Return path", description = "Where bounces of platform mail go (SMTP MAIL FROM); "
            + "our token is added as a sub-address (bounces+tats-TOKEN@…), so a bounce is tied to its message even "
            + "without the original. Empty: the from address. The server must deliver sub-addresses to the mailbox.")
    String return_path() default "";

    @AttributeDefinition(name = "Bounce mailbox IMAP host", description = "The platform mailbox that receives the "
            + "return path's mail, watched for bounces (login: the SMTP username and password). Empty: not watched.")
    String imap_host() default "";

    @AttributeDefinition(name = "Bounce mailbox IMAP port", min = "1", max = "65535")
    int imap_port() default 993;

    @AttributeDefinition(name = "Bounce mailbox IMAP security")
    Security imap_security() default Security.SSL_TLS;
}
