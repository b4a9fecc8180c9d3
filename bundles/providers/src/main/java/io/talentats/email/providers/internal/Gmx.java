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
        id = "gmx",
        display_name = "GMX",
        domains = {"gmx.net", "gmx.de", "gmx.at", "gmx.ch"},
        smtp_host = "mail.gmx.net", smtp_port = 587, smtp_security = Security.STARTTLS,
        imap_host = "imap.gmx.net", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.PASSWORD,
        auth_notes = "Allow access by mail programs first: GMX settings > POP3 & IMAP > enable POP3/IMAP access.",
        help_url = "https://hilfe.gmx.net/pop-imap/imap/imap-serverdaten.html")
public class Gmx extends Advice {

    public Gmx() {
        on(List.of(AUTHENTICATION_FAILED, IMAP_DISABLED),
                "GMX refuses mail programs until you allow them: E-Mail settings > POP3 & IMAP > \"Enable access to "
                        + "this account via POP3 and IMAP\".");
    }
}
