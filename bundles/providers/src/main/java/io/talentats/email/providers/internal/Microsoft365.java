package io.talentats.email.providers.internal;

import static io.talentats.email.api.FailureClass.AUTHENTICATION_FAILED;
import static io.talentats.email.api.FailureClass.BASIC_AUTH_DISABLED;

import java.util.List;

import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.Security;
import io.talentats.email.spi.MailProvider;
import io.talentats.email.spi.ProviderPresetService;

import org.osgi.service.component.annotations.Component;

@Component(service = MailProvider.class)
@ProviderPresetService(
        id = "microsoft365",
        display_name = "Microsoft 365 (work or school)",
        domains = {},
        smtp_host = "smtp.office365.com", smtp_port = 587, smtp_security = Security.STARTTLS,
        imap_host = "outlook.office365.com", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.OAUTH2_ONLY,
        auth_notes = "Exchange Online has switched Basic authentication off for IMAP and is retiring it for SMTP "
                + "AUTH: a password login works only where your administrator still allows it. \"Sign in with "
                + "Microsoft\" works for IMAP; sending through SMTP also needs SMTP AUTH allowed for your mailbox, "
                + "which tenants created since 2020 have switched off.",
        subaddressing = true,
        sending_limits = {"30/PT1M", "10000/P1D"},
        oauth_provider = SignInEndpoints.MICROSOFT, oauth_authorization_url = SignInEndpoints.MICROSOFT_AUTHORIZATION,
        oauth_token_url = SignInEndpoints.MICROSOFT_TOKEN,
        oauth_device_authorization_url = SignInEndpoints.MICROSOFT_DEVICE,
        oauth_scopes = {"offline_access", SignInEndpoints.MICROSOFT_IMAP_SCOPE, SignInEndpoints.MICROSOFT_SMTP_SCOPE,
            "openid", "email"},
        help_url = "https://learn.microsoft.com/exchange/clients-and-mobile-in-exchange-online/authenticated-client-smtp-submission")
public class Microsoft365 extends Advice {

    public Microsoft365() {
        on(List.of(AUTHENTICATION_FAILED, BASIC_AUTH_DISABLED),
                "Exchange Online refused a password login. Ask your Microsoft 365 administrator whether "
                        + "authenticated SMTP (SMTP AUTH) and IMAP are enabled for your mailbox; Microsoft has "
                        + "switched Basic authentication off by default.",
                "If your organisation enforces multi-factor authentication, password logins from mail programs do "
                        + "not work at all: use \"Sign in with Microsoft\".");
    }
}
