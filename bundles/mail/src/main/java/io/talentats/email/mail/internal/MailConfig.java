package io.talentats.email.mail.internal;

/**
 * The keys of the product configuration ({@code io.talentats.email}) that concern connections. The settings bundle
 * holds the full, documented definition of that PID; the names here must match it.
 */
public @interface MailConfig {

    String PID = "io.talentats.email";

    int connect_timeout_ms() default 10000;

    int read_timeout_ms() default 15000;

    String trusted_certificates() default "";
}
