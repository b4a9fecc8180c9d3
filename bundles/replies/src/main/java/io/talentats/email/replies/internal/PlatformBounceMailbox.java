package io.talentats.email.replies.internal;

import java.util.Optional;
import java.util.function.Supplier;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.runtime.SecretCipher;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * The platform's bounce mailbox, where reports about mail the platform sent on recruiters' behalf come back: read by
 * the collector itself from the platform configuration ({@value #PID}, whose form and checks belong to the router)
 * and handed to the collector ({@link Watcher}) as a way to build the account when it connects. The password stays
 * encrypted here and is decrypted at each connect, as a recruiter's is by the vault.
 */
@Component(service = {}, configurationPid = PlatformBounceMailbox.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public class PlatformBounceMailbox {

    static final String PID = "io.talentats.email.platform";
    private static final String CONTEXT = SecretCipher.context(PID, "password");

    /** The keys of the platform configuration the bounce mailbox is made of. */
    public @interface Config {
        String username() default "";

        String password() default "";

        String from_address() default "";

        String return_path() default "";

        String host() default "";

        int port() default 587;

        Security security() default Security.STARTTLS;

        String imap_host() default "";

        int imap_port() default 993;

        Security imap_security() default Security.SSL_TLS;
    }

    /** Who watches it: the collector, as a service private to this bundle. */
    interface Watcher {
        /** The bounce mailbox changed: how to make its account at each connect, or empty when there is none. */
        void platformMailbox(Optional<Supplier<MailAccount>> account);
    }

    private final Watcher collector;
    private final SecretCipher cipher;

    @Activate
    public PlatformBounceMailbox(Config config, @Reference Watcher collector, @Reference SecretCipher cipher) {
        this.collector = collector;
        this.cipher = cipher;
        modified(config);
    }

    @Modified
    void modified(Config config) {
        collector.platformMailbox(account(config, cipher));
    }

    @Deactivate
    void deactivate() {
        collector.platformMailbox(Optional.empty());
    }

    /**
     * The bounce mailbox's account made at the moment of each connect, or empty when the configuration names none
     * (no IMAP host, no login, or a port out of range: the router's platform transport reports those).
     */
    static Optional<Supplier<MailAccount>> account(Config c, SecretCipher cipher) {
        String imap = blank(c.imap_host());
        String username = blank(c.username());
        String host = blank(c.host());
        String from = blank(c.from_address());
        if (imap == null || username == null || host == null || from == null || c.imap_port() < 1
                || c.imap_port() > 65535 || c.port() < 1 || c.port() > 65535) {
            return Optional.empty();
        }
        String stored = blank(c.password());
        String address = blank(c.return_path()) != null ? c.return_path().trim() : from;
        Endpoint smtp = new Endpoint(host, c.port(), c.security());
        Endpoint imapEndpoint = new Endpoint(imap, c.imap_port(), c.imap_security());
        return Optional.of(() -> new MailAccount(MailAccount.PLATFORM_USER_ID, address, username,
                stored == null ? null : Secret.of(cipher.isCipherText(stored) ? cipher.decrypt(stored, CONTEXT)
                        : stored), "talentATS platform", smtp, imapEndpoint, null, false, true));
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
