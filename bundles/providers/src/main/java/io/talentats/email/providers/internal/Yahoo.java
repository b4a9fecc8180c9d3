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
        id = "yahoo",
        display_name = "Yahoo Mail",
        domains = {"yahoo.com", "ymail.com", "rocketmail.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es",
            "yahoo.it", "yahoo.ca", "yahoo.com.au"},
        smtp_host = "smtp.mail.yahoo.com", smtp_port = 465, smtp_security = Security.SSL_TLS,
        imap_host = "imap.mail.yahoo.com", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.APP_PASSWORD,
        auth_notes = "Yahoo needs an app password: Account Info > Account Security > Generate app password, then "
                + "use it here instead of your Yahoo password.",
        sending_limits = {"500/P1D"},
        help_url = "https://help.yahoo.com/kb/SLN4075.html")
public class Yahoo extends Advice {

    public Yahoo() {
        on(List.of(AUTHENTICATION_FAILED, APP_PASSWORD_REQUIRED),
                "Yahoo refuses your Yahoo password here: generate an app password (Account Info > Account Security "
                        + "> Generate app password) and use it instead.");
    }
}
