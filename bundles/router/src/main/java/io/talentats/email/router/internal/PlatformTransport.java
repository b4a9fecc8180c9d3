package io.talentats.email.router.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.talentats.email.runtime.SecretCipher;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform transport's configuration ({@value PlatformConfig#PID}), read, checked and handed to the outbox
 * ({@link Listener}s) whenever it changes. A plain-text password found there is encrypted and written back at once.
 * Not a service itself, so the configuration (password ciphertext included) is published nowhere.
 */
@Component(service = {}, configurationPid = PlatformConfig.PID, immediate = true)
@Designate(ocd = PlatformConfig.class)
public class PlatformTransport {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformTransport.class);
    private static final String CONTEXT = SecretCipher.context(PlatformConfig.PID, "password");

    /** Who wants the platform settings: the outbox. A service private to this bundle. */
    public interface Listener {
        void platform(PlatformSettings settings);
    }

    private final SecretCipher cipher;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile PlatformSettings current = PlatformSettings.NONE;

    @Activate
    public PlatformTransport(PlatformConfig config, @Reference SecretCipher cipher) {
        this.cipher = cipher;
        modified(config);
    }

    @Modified
    void modified(PlatformConfig config) {
        String password = config.password();
        if (password != null && !password.isBlank() && !cipher.isCipherText(password)) {
            if (cipher.encryptInConfiguration(PlatformConfig.PID, "password")) {
                return; // the update this causes comes back here with the ciphertext
            }
        }
        PlatformSettings settings;
        try {
            settings = PlatformSettings.from(config, ct -> cipher.decrypt(ct, CONTEXT));
            LOG.info("Platform transport: {}", settings.ready() ? settings : "not configured");
        } catch (RuntimeException e) {
            LOG.error("The platform transport configuration ({}) is not usable: {}", PlatformConfig.PID,
                    e.getMessage());
            settings = PlatformSettings.NONE;
        }
        current = settings;
        for (Listener l : listeners) {
            l.platform(settings);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeListener")
    void addListener(Listener listener) {
        listeners.add(listener);
        listener.platform(current);
    }

    void removeListener(Listener listener) {
        listeners.remove(listener);
    }
}
