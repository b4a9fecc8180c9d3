package io.talentats.email.spi;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.Security;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Describes a {@link MailProvider} service as service properties, all prefixed {@value #PREFIX_}: put it on the
 * component class beside {@code @Component(service = MailProvider.class)}. Attribute {@code smtp_host} becomes the
 * service property {@code preset.smtp.host}, and so on.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface ProviderPresetService {

    String PREFIX_ = "preset.";

    /** Stable identifier, lower case, e.g. {@code acme}. */
    String id();

    /** The name shown in the provider list. */
    String display_name();

    /** The address domains the provider serves, e.g. {@code acme.example}. */
    String[] domains();

    String smtp_host();

    int smtp_port() default 465;

    Security smtp_security() default Security.SSL_TLS;

    String imap_host();

    int imap_port() default 993;

    Security imap_security() default Security.SSL_TLS;

    AuthMethod auth_method() default AuthMethod.PASSWORD;

    /** What a recruiter must do first, in words. */
    String auth_notes() default "";

    /** Whether the provider files a copy of SMTP-sent mail in the Sent folder itself. */
    boolean files_sent_mail() default false;

    /** Whether {@code user+tag@domain} reaches {@code user@domain}. */
    boolean subaddressing() default false;

    /**
     * Known caps on outgoing mail, each {@code COUNT/PERIOD} with an ISO-8601 period, e.g. {@code "30/PT1M"} or
     * {@code "500/P1D"}.
     */
    String[] sending_limits() default {};

    /** The provider's own page about these settings. */
    String help_url() default "";

    /**
     * The OAuth provider whose client signs this preset's mailboxes in ({@code google}, {@code microsoft}, or a new
     * one); empty when the preset offers no OAuth sign-in. The other {@code oauth_*} attributes describe it; URLs
     * may contain {@code {tenant}}.
     */
    String oauth_provider() default "";

    String oauth_authorization_url() default "";

    String oauth_token_url() default "";

    /** RFC 7009 revocation endpoint, if the provider has one. */
    String oauth_revocation_url() default "";

    /** RFC 8628 device authorization endpoint, if the provider offers the device code flow. */
    String oauth_device_authorization_url() default "";

    /** Scopes that allow IMAP and SMTP, plus {@code openid email} for the address. */
    String[] oauth_scopes() default {};

    /** Extra parameters of the authorization request, each {@code name=value}. */
    String[] oauth_authorization_parameters() default {};
}
