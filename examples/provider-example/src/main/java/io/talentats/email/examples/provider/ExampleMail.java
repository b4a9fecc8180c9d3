package io.talentats.email.examples.provider;

import java.util.List;

import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.Security;
import io.talentats.email.spi.MailProvider;
import io.talentats.email.spi.ProviderPresetService;

import org.osgi.service.component.annotations.Component;

/**
 * A mail provider preset contributed by a plugin bundle. Installing the bundle makes the preset appear; stopping or
 * uninstalling it makes it disappear. Nothing else is needed.
 */
@Component(service = MailProvider.class)
@ProviderPresetService(
        id = "example-mail",
        display_name = "Example Mail",
        domains = {"example-mail.test"},
        smtp_host = "smtp.example-mail.test", smtp_port = 587, smtp_security = Security.STARTTLS,
        imap_host = "imap.example-mail.test", imap_port = 993, imap_security = Security.SSL_TLS,
        auth_method = AuthMethod.APP_PASSWORD,
        auth_notes = "Create an app password at https://example-mail.test/security.",
        subaddressing = true,
        sending_limits = {"100/PT1H"},
        help_url = "https://example-mail.test/help/imap")
public class ExampleMail implements MailProvider {

    @Override
    public List<String> adviceFor(FailureClass failure) {
        return failure == FailureClass.AUTHENTICATION_FAILED
                ? List.of("Example Mail wants an app password: create one at https://example-mail.test/security.")
                : List.of();
    }
}
