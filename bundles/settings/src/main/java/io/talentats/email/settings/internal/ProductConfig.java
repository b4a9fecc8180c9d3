package io.talentats.email.settings.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The product-wide configuration, PID {@value #PID}: the switch, the keys and the account policy, read by the
 * settings bundle's components. How mail connections are made is the mail bundle's own configuration
 * ({@code io.talentats.email.mail}).
 */
@ObjectClassDefinition(
        pid = ProductConfig.PID,
        name = "talentATS email",
        description = "Product-wide settings of email connectivity: the on/off switch, encryption keys, security "
                + "policy.")
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
}
