package io.talentats.email.sandbox.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "talentATS email sandbox mail server",
        description = "GreenMail on loopback for trying the product out. Never for production: it keeps mail in "
                + "memory and speaks without encryption.")
public @interface SandboxConfig {

    String PID = "io.talentats.email.sandbox";

    @AttributeDefinition(name = "SMTP port", min = "1", max = "65535")
    int smtp_port() default 3025;

    @AttributeDefinition(name = "IMAP port", min = "1", max = "65535")
    int imap_port() default 3143;

    @AttributeDefinition(name = "Mailboxes", description = "address:password pairs, created empty at start")
    String[] mailboxes() default {"recruiter@sandbox.test:sandbox", "candidate@sandbox.test:sandbox"};
}
