package io.talentats.email.settings.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The product-wide configuration, PID {@value #PID}. Several components read it; each uses the keys it needs. The
 * mail bundle reads the timeout and trust keys under the same names.
 */
@ObjectClassDefinition(
        pid = ProductConfig.PID,
        name = "talentATS email",
        description = "Product-wide settings of email connectivity: the on/off switch, encryption keys, security "
                + "policy and network timeouts.")
public @interface ProductConfig {

    String PID = "io.talentats.email";

    @AttributeDefinition(
            name = "Email connectivity enabled",
            description = "When off, no recruiter's SMTP server is used and no mailbox is watched: stage-change and "
                    + "interview mail goes through the platform, custom messages are refused, queued ones wait.")
    boolean enabled() default true;

    @AttributeDefinition(
            name = "Allow unencrypted connections",
            description = "Accept accounts whose SMTP or IMAP security is NONE. Only for sandboxes and internal "
                    + "relays: passwords would cross the network in plain text.")
    boolean allow_unencrypted() default false;

    @AttributeDefinition(
            name = "Require a passed test before save",
            description = "Refuse to save settings whose SMTP and IMAP test has not passed in the last 30 minutes.")
    boolean require_verified_save() default false;

    @AttributeDefinition(
            name = "Key source",
            description = "Where the encryption keys come from: a key file (created owner-only on first start if "
                    + "missing) or an environment variable.",
            options = {@Option(label = "Key file", value = "file"), @Option(label = "Environment variable", value = "env")})
    String key_source() default "file";

    @AttributeDefinition(
            name = "Key file",
            description = "Path of the key file. Empty: talentats-email.keys in Karaf's etc folder.")
    String key_file() default "";

    @AttributeDefinition(
            name = "Key variable",
            description = "Name of the environment variable holding the keys as ID:BASE64 pairs separated by commas, "
                    + "the current key first. Each key is 32 random bytes, Base64-encoded.")
    String key_env() default "TALENTATS_EMAIL_KEYS";

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
            description = "Path of a PEM file with extra certificates to trust (e.g. an internal mail server's), in "
                    + "addition to the JVM's trust store. Checks stay on for every other server.",
            type = AttributeType.STRING)
    String trusted_certificates() default "";
}
