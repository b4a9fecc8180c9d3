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
        id = "outlook",
        display_name = "Outlook.com / Hotmail / Live",
        domains = {"outlook.com", "hotmail.com", "live.com", "msn.com", "hotmail.co.uk", "live.co.uk", "outlook.de",
            "hotmail.de", "outlook.fr", "hotmail.fr", "live.fr"},
        smtp_host = "smtp-mail.outlook.com", smtp_port = 587, smtp_security = Security.STARTTLS,
        imap_host = "imap-mail.outlook.com", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.OAUTH2_ONLY,
        auth_notes = "Since September 2024 Microsoft accepts only OAuth 2.0 sign-in for personal Outlook.com, "
                + "Hotmail and Live accounts: password and app-password logins over SMTP and IMAP are refused. Use "
                + "\"Sign in with Microsoft\" (offered once your administrator has set up Microsoft sign-in).",
        subaddressing = true,
        sending_limits = {"30/PT1M", "300/P1D"},
        oauth_provider = SignInEndpoints.MICROSOFT, oauth_authorization_url = SignInEndpoints.MICROSOFT_AUTHORIZATION,
        oauth_token_url = SignInEndpoints.MICROSOFT_TOKEN,
        oauth_device_authorization_url = SignInEndpoints.MICROSOFT_DEVICE,
        oauth_scopes = {"offline_access", SignInEndpoints.MICROSOFT_IMAP_SCOPE, SignInEndpoints.MICROSOFT_SMTP_SCOPE,
            "openid", "email"},
        help_url = "https://support.microsoft.com/office/pop-imap-and-smtp-settings-for-outlook-com-d088b986-291d-42b8-9564-9c414e2aa040")
public class OutlookCom extends Advice {

    public OutlookCom() {
        on(List.of(AUTHENTICATION_FAILED, BASIC_AUTH_DISABLED),
                "Microsoft no longer accepts passwords or app passwords from mail programs for Outlook.com, Hotmail "
                        + "and Live accounts (OAuth 2.0 only since September 2024). Your password is probably "
                        + "right; this account cannot be connected with a password.",
                "Use \"Sign in with Microsoft\" instead. If the button is missing, ask your administrator to set up "
                        + "Microsoft sign-in (an OAuth client for provider microsoft).");
    }
}
