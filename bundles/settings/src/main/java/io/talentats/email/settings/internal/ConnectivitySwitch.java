package io.talentats.email.settings.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;

import io.talentats.email.api.Connectivity;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.runtime.Announcer;

import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product-wide on/off switch. Its state is the {@code enabled} key of the {@value ProductConfig#PID}
 * configuration, read from ConfigAdmin itself on every change event of that configuration: the last event always
 * finds the last value stored. (Taking the value from the component's own configuration delivery is not safe
 * under fast flips: Felix SCR reads a configuration's properties and its change count in two steps, and an update
 * landing between them leaves the component with the older value and the newer count, so the next delivery is
 * skipped as already seen.) Every change is announced on {@link EmailEvents#CONNECTIVITY_CHANGED}; consumers read
 * {@link #isEnabled()} when they act and listen to that topic to act at once.
 */
@Component(service = {Connectivity.class, ConfigurationListener.class}, configurationPolicy = ConfigurationPolicy.IGNORE,
        immediate = true)
public class ConnectivitySwitch implements Connectivity, ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectivitySwitch.class);

    private final ConfigurationAdmin configAdmin;
    private final Announcer announcer;
    private boolean enabled;

    @Activate
    public ConnectivitySwitch(@Reference ConfigurationAdmin configAdmin, @Reference Announcer announcer) {
        this.configAdmin = configAdmin;
        this.announcer = announcer;
        synchronized (this) {
            this.enabled = stored();
        }
        LOG.info("Email connectivity is {}", enabled ? "enabled" : "disabled");
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (ProductConfig.PID.equals(event.getPid()) && event.getFactoryPid() == null) {
            refresh();
        }
    }

    /** Takes the stored value; announces it if it differs from the one held. */
    private synchronized void refresh() {
        boolean now = stored();
        if (now != enabled) {
            enabled = now;
            LOG.info("Email connectivity {}", now ? "enabled" : "disabled");
            announcer.post(EmailEvents.CONNECTIVITY_CHANGED, Map.of(EmailEvents.ENABLED, now));
        }
    }

    /** The value stored in ConfigAdmin now; on when there is none (the configuration's default). */
    private boolean stored() {
        try {
            Configuration[] found = configAdmin.listConfigurations(
                    "(" + Constants.SERVICE_PID + "=" + ProductConfig.PID + ")");
            Dictionary<String, Object> props = found == null || found.length == 0 ? null : found[0].getProperties();
            Object v = props == null ? null : props.get("enabled");
            return v == null || Boolean.parseBoolean(v.toString().trim());
        } catch (IOException | InvalidSyntaxException | IllegalStateException e) {
            LOG.warn("Cannot read the connectivity switch from {}: keeping it {} ({})", ProductConfig.PID,
                    enabled ? "on" : "off", e.toString());
            return enabled;
        }
    }

    @Override
    public synchronized boolean isEnabled() {
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
