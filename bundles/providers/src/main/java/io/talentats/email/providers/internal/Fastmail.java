package io.talentats.email.providers.internal;

import static io.talentats.email.api.FailureClass.AUTHENTICATION_FAILED;

import java.util.List;

import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.Security;
import io.talentats.email.spi.MailProvider;
import io.talentats.email.spi.ProviderPresetService;

import org.osgi.service.component.annotations.Component;

@Component(service = MailProvider.class)
@ProviderPresetService(
        id = "fastmail",
        display_name = "Fastmail",
        domains = {"fastmail.com", "fastmail.fm"},
        smtp_host = "smtp.fastmail.com", smtp_port = 465, smtp_security = Security.SSL_TLS,
        imap_host = "imap.fastmail.com", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.APP_PASSWORD,
        auth_notes = "Fastmail needs an app password with IMAP and SMTP access: Settings > Privacy & Security > "
                + "App passwords.",
        subaddressing = true,
        help_url = "https://www.fastmail.help/hc/en-us/articles/1500000278342")
public class Fastmail extends Advice {

    public Fastmail() {
        on(List.of(AUTHENTICATION_FAILED),
                "Fastmail accepts only app passwords from mail programs: create one with access to IMAP and SMTP "
                        + "(Settings > Privacy & Security > App passwords).");
    }
}
