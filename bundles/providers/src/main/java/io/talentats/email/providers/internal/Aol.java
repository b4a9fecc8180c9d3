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
        id = "aol",
        display_name = "AOL Mail",
        domains = {"aol.com", "aim.com"},
        smtp_host = "smtp.aol.com", smtp_port = 465, smtp_security = Security.SSL_TLS,
        imap_host = "imap.aol.com", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.APP_PASSWORD,
        auth_notes = "AOL needs an app password: Account Info > Account Security > Generate app password.",
        sending_limits = {"500/P1D"},
        help_url = "https://help.aol.com/articles/how-do-i-use-other-email-applications-to-send-and-receive-my-aol-mail")
public class Aol extends Advice {

    public Aol() {
        on(List.of(AUTHENTICATION_FAILED, APP_PASSWORD_REQUIRED),
                "AOL refuses your AOL password here: generate an app password (Account Info > Account Security > "
                        + "Generate app password) and use it instead.");
    }
}
