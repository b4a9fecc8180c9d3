package io.talentats.email.providers.internal;

import static io.talentats.email.api.FailureClass.APP_PASSWORD_REQUIRED;
import static io.talentats.email.api.FailureClass.AUTHENTICATION_FAILED;

import java.util.List;

import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.Security;
import io.talentats.email.spi.MailProvider;
import io.talentats.email.spi.ProviderPresetService;

import org.osgi.service.component.annotations.Component;

@Component(service = MailProvider.class)
@ProviderPresetService(
        id = "icloud",
        display_name = "iCloud Mail",
        domains = {"icloud.com", "me.com", "mac.com"},
        smtp_host = "smtp.mail.me.com", smtp_port = 587, smtp_security = Security.STARTTLS,
        imap_host = "imap.mail.me.com", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.APP_PASSWORD,
        auth_notes = "iCloud needs an app-specific password: sign in at account.apple.com > Sign-In and Security > "
                + "App-Specific Passwords (two-factor authentication must be on).",
        subaddressing = true,
        sending_limits = {"1000/P1D"},
        help_url = "https://support.apple.com/102525")
public class ICloud extends Advice {

    public ICloud() {
        on(List.of(AUTHENTICATION_FAILED, APP_PASSWORD_REQUIRED),
                "iCloud refuses your Apple Account password here: create an app-specific password at "
                        + "account.apple.com > Sign-In and Security > App-Specific Passwords.");
    }
}
