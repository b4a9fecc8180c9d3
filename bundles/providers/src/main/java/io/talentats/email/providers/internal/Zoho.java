package io.talentats.email.providers.internal;

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
        id = "zoho",
        display_name = "Zoho Mail",
        domains = {"zoho.com", "zohomail.com"},
        smtp_host = "smtp.zoho.com", smtp_port = 465, smtp_security = Security.SSL_TLS,
        imap_host = "imap.zoho.com", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.PASSWORD,
        auth_notes = "Enable IMAP access in Zoho Mail settings (Mail Accounts > IMAP Access). With two-factor "
                + "authentication on, use an application-specific password.",
        help_url = "https://www.zoho.com/mail/help/imap-access.html")
public class Zoho extends Advice {

    public Zoho() {
        on(List.of(AUTHENTICATION_FAILED),
                "With two-factor authentication on, Zoho needs an application-specific password (My Account > "
                        + "Security > App Passwords).");
        on(List.of(IMAP_DISABLED), "Enable IMAP in Zoho Mail: Settings > Mail Accounts > IMAP Access.");
    }
}
