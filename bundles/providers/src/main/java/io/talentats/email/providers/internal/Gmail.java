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
        id = "gmail",
        display_name = "Gmail",
        domains = {"gmail.com", "googlemail.com"},
        smtp_host = "smtp.gmail.com", smtp_port = 465, smtp_security = Security.SSL_TLS,
        imap_host = "imap.gmail.com", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.APP_PASSWORD,
        auth_notes = "Gmail needs an app-specific password: turn on 2-Step Verification in your Google Account "
                + "(myaccount.google.com > Security), then create an app password under App passwords and use the "
                + "16-character password here instead of your Google password.",
        files_sent_mail = true,
        subaddressing = true,
        sending_limits = {"500/P1D"},
        oauth_provider = SignInEndpoints.GOOGLE, oauth_authorization_url = SignInEndpoints.GOOGLE_AUTHORIZATION,
        oauth_token_url = SignInEndpoints.GOOGLE_TOKEN, oauth_revocation_url = SignInEndpoints.GOOGLE_REVOCATION,
        oauth_scopes = {SignInEndpoints.GOOGLE_MAIL_SCOPE, "openid", "email"},
        oauth_authorization_parameters = {"access_type=offline", "prompt=consent"},
        help_url = "https://support.google.com/mail/answer/7126229")
public class Gmail extends Advice {

    public Gmail() {
        on(List.of(AUTHENTICATION_FAILED, APP_PASSWORD_REQUIRED),
                "Gmail refuses your Google password here: use an app-specific password. Turn on 2-Step "
                        + "Verification at myaccount.google.com > Security, then create one under App passwords "
                        + "(select Mail) and paste the 16 characters without spaces.",
                "If you already use an app password, create a new one: it stops working when you change your "
                        + "Google password.");
        on(List.of(IMAP_DISABLED),
                "In Gmail, open Settings > See all settings > Forwarding and POP/IMAP and enable IMAP. In Google "
                        + "Workspace your administrator may have to allow IMAP.");
    }
}
