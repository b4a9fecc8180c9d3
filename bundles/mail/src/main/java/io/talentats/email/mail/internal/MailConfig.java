package io.talentats.email.mail.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** How every bundle of ours connects to mail servers, PID {@value #PID}. */
@ObjectClassDefinition(
        name = "talentATS email mail connections",
        description = "How connections to mail servers are made: network timeouts and certificates to trust in "
                + "addition to the JVM's. Applies to sending, reply collection and Test Connection alike, and to the "
                + "product's own HTTPS calls (autoconfig, ISP database, OAuth endpoints).")
public @interface MailConfig {

    String PID = "io.talentats.email.mail";

    @AttributeDefinition(
            name = "Connect timeout (ms)",
            description = "How long to wait for a mail server to accept a connection.",
            min = "1000",
            max = "60000")
    int connect_timeout_ms() default 10000;

    @AttributeDefinition(
            name = "Read timeout (ms)",
            description = "How long to wait for a mail server's greeting or reply.",
            min = "1000",
            max = "120000")
    int read_timeout_ms() default 15000;

    @AttributeDefinition(
            name = "Trusted certificates",
            description = "Path of a PEM file with extra certificates to trust (e.g. an internal mail server's or CA's), "
                    + "in addition to the JVM's trust store, for mail servers and the product's HTTPS calls. Checks "
                    + "stay on for every other server.",
            type = AttributeType.STRING)
    String trusted_certificates() default "";
}
