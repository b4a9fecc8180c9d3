package io.talentats.email.settings.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import io.talentats.email.api.Connectivity;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.runtime.Announcer;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product-wide on/off switch. The state lives in the {@value ProductConfig#PID} configuration, and the service
 * property {@code enabled} follows it, so that components that must stop while connectivity is off simply reference
 * this service with the target {@code (enabled=true)}.
 */
@Component(configurationPid = ProductConfig.PID, property = Connectivity.ENABLED_PROPERTY + ":Boolean=true", immediate = true)
public class ConnectivitySwitch implements Connectivity {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectivitySwitch.class);

    private final ConfigurationAdmin configAdmin;
    private volatile boolean enabled;

    private final Announcer announcer;

    @Activate
    public ConnectivitySwitch(ProductConfig config, @Reference ConfigurationAdmin configAdmin,
            @Reference Announcer announcer) {
        this.configAdmin = configAdmin;
        this.announcer = announcer;
        this.enabled = config.enabled();
        LOG.info("Email connectivity is {}", enabled ? "enabled" : "disabled");
    }

    @Modified
    void modified(ProductConfig config) {
        boolean was = enabled;
        enabled = config.enabled();
        if (was != enabled) {
            LOG.info("Email connectivity {}", enabled ? "enabled" : "disabled");
            announcer.post(EmailEvents.CONNECTIVITY_CHANGED, Map.of(EmailEvents.ENABLED, enabled));
        }
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean on) {
        try {
            Configuration c = configAdmin.getConfiguration(ProductConfig.PID, "?");
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                props = new Hashtable<>();
            }
            props.put("enabled", on);
            c.updateIfDifferent(props);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot store the connectivity switch in " + ProductConfig.PID, e);
        }
    }
}
