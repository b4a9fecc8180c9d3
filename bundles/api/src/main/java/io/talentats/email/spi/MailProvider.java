package io.talentats.email.spi;

import java.util.List;

import io.talentats.email.api.FailureClass;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A mail provider preset contributed by a bundle. Register an implementation as a service and describe the
 * provider with {@link ProviderPresetService} on the same class:
 *
 * <pre>
 * &#64;Component(service = MailProvider.class)
 * &#64;ProviderPresetService(id = "acme", display_name = "Acme Mail", domains = "acme.example",
 *         smtp_host = "smtp.acme.example", smtp_port = 465, imap_host = "imap.acme.example")
 * public class AcmeMail implements MailProvider {}
 * </pre>
 *
 * The preset appears as soon as the service is registered and disappears when it goes. When two services share an
 * id, the one with the higher {@code service.ranking} wins.
 */
@ConsumerType
public interface MailProvider {

    /**
     * Advice for a failed connection test, specific to this provider (for example "create an app password at
     * ..."). It is shown before the generic advice for the failure. The default has none.
     */
    default List<String> adviceFor(FailureClass failure) {
        return List.of();
    }
}
