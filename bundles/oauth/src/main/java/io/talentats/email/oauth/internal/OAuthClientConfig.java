package io.talentats.email.oauth.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * One OAuth client, registered by the operator with a provider (factory PID {@value #FACTORY_PID}, one
 * configuration per provider, e.g. {@code etc/io.talentats.email.oauth.client-google.cfg}). A provider without one
 * offers no sign-in button.
 */
@ObjectClassDefinition(name = "talentATS email OAuth client", description = "An OAuth 2.0 client registered with a "
        + "mail provider (Google Cloud console, Microsoft Entra app registration), for recruiters' sign-in")
public @interface OAuthClientConfig {

    String FACTORY_PID = "io.talentats.email.oauth.client";

    @AttributeDefinition(name = "Provider", description = "The OAuth provider of the presets it signs in: google "
            + "or microsoft (or one a provider plugin declares)")
    String provider();

    @AttributeDefinition(name = "Client id", description = "The application (client) id the provider issued")
    String client_id();

    @AttributeDefinition(name = "Client secret", type = AttributeType.PASSWORD, description = "The client secret; "
            + "written back encrypted when given in plain text. Empty for a public client (PKCE only)")
    String client_secret() default "";

    @AttributeDefinition(name = "Tenant", description = "Microsoft: common, organizations, consumers or a tenant id "
            + "(replaces {tenant} in the endpoints)")
    String tenant() default "common";

    @AttributeDefinition(name = "Public base URL", description = "How browsers reach this Karaf, e.g. "
            + "https://ats.example.com; the redirect URI to register is this plus /talentats-email/oauth/callback")
    String callback_base_url();

    @AttributeDefinition(name = "Button label", description = "Shown on the page as the sign-in button; empty for "
            + "\"Sign in with\" and the provider's name")
    String display_name() default "";

    @AttributeDefinition(name = "Mail access", description = "How the mailboxes of recruiters who sign in with this "
            + "client are reached: smtp-imap (XOAUTH2; the default), graph (Microsoft Graph, for Microsoft 365 tenants "
            + "with SMTP AUTH off) or gmail-api (the Gmail API, for Google Workspace with IMAP off). The sign-in asks "
            + "for the scopes of that access only. auto: SMTP and IMAP, and when the mailbox turns out to have them "
            + "off, the recruiter is offered a second sign-in for the provider's API", options = {
                @Option(value = "smtp-imap", label = "SMTP and IMAP"),
                @Option(value = "auto", label = "SMTP and IMAP, the provider's API where they are off"),
                @Option(value = "graph", label = "Microsoft Graph"),
                @Option(value = "gmail-api", label = "Gmail API")})
    String mail_access() default "smtp-imap";

    @AttributeDefinition(name = "Authorization URL", description = "Overrides the preset's (sovereign clouds, a "
            + "test server); empty to use the preset's")
    String authorization_url() default "";

    @AttributeDefinition(name = "Token URL", description = "Overrides the preset's; empty to use the preset's")
    String token_url() default "";

    @AttributeDefinition(name = "Revocation URL", description = "Overrides the preset's; empty to use the preset's")
    String revocation_url() default "";

    @AttributeDefinition(name = "Device authorization URL", description = "Overrides the preset's; empty to use "
            + "the preset's")
    String device_authorization_url() default "";
}
