package io.talentats.email.runtime;

/**
 * One account's factory configuration (factory PID {@value #FACTORY_PID}, named after the user id) as a typed
 * view, for components that Declarative Services configures from it ({@code configurationPid = FACTORY_PID}).
 * Method names map to the stored keys as DS maps them ({@code smtp_host()} is {@code smtp.host}); the settings
 * service writes them, and a test checks that what it writes reads back through this view. Only the settings
 * service decrypts {@link #password()}.
 */
public @interface AccountConfig {

    String FACTORY_PID = "io.talentats.email.account";

    String user_id();

    String email_address();

    String username();

    /** Ciphertext {@code {aesgcm:KEYID}…}, never plain text. */
    String password() default "";

    String display_name() default "";

    String smtp_host();

    int smtp_port();

    String smtp_security();

    String imap_host();

    int imap_port();

    String imap_security();

    String preset_id() default "";

    /** {@code auto} (follow the preset), {@code true} or {@code false}. */
    String save_sent_copy() default "auto";

    boolean enabled() default true;

    /** {@code password}, or {@code oauth2} (XOAUTH2 with tokens kept in the store). */
    String auth_method() default "password";

    /** The OAuth provider of an {@code oauth2} account ({@code google}, {@code microsoft}). */
    String oauth_provider() default "";

    String saved_at() default "";

    /**
     * The way into the mailbox: {@code smtp-imap}, {@code graph}, {@code gmail-api}, or another {@code MailAccess}
     * a plugin registers.
     */
    String mail_access() default "smtp-imap";
}
