package io.talentats.email.providers.internal;

import static io.talentats.email.api.FailureClass.APP_PASSWORD_REQUIRED;
import static io.talentats.email.api.FailureClass.AUTHENTICATION_FAILED;
import static io.talentats.email.api.FailureClass.IMAP_DISABLED;

import java.util.List;

import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.Security;
import io.talentats.email.spi.MailProvider;
import io.talentats.email.spi.ProviderPresetService;

import org.osgi.service.component.annotations.Component;

@Component(service = MailProvider.class)
@ProviderPresetService(
        id = "google-workspace",
        display_name = "Google Workspace",
        domains = {},
        smtp_host = "smtp.gmail.com", smtp_port = 465, smtp_security = Security.SSL_TLS,
        imap_host = "imap.gmail.com", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.APP_PASSWORD,
        auth_notes = "Use an app-specific password (2-Step Verification must be on). Your administrator must allow "
                + "IMAP and app passwords for your organisation.",
        files_sent_mail = true,
        subaddressing = true,
        sending_limits = {"2000/P1D"},
        oauth_provider = SignInEndpoints.GOOGLE, oauth_authorization_url = SignInEndpoints.GOOGLE_AUTHORIZATION,
        oauth_token_url = SignInEndpoints.GOOGLE_TOKEN, oauth_revocation_url = SignInEndpoints.GOOGLE_REVOCATION,
        oauth_scopes = {SignInEndpoints.GOOGLE_MAIL_SCOPE, "openid", "email"},
        oauth_authorization_parameters = {"access_type=offline", "prompt=consent"},
        help_url = "https://support.google.com/a/answer/176600")
public class GoogleWorkspace extends Advice {

    public GoogleWorkspace() {
        on(List.of(AUTHENTICATION_FAILED, APP_PASSWORD_REQUIRED),
                "Google Workspace refuses your account password here: create an app-specific password "
                        + "(myaccount.google.com > Security > App passwords). If App passwords is missing, ask your "
                        + "administrator to allow 2-Step Verification and app passwords.");
        on(List.of(IMAP_DISABLED), "Ask your Google Workspace administrator to turn IMAP access on for your account.");
    }
}
