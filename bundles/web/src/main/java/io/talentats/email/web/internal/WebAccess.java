package io.talentats.email.web.internal;

import java.util.Set;

import io.talentats.email.runtime.ConfigValues;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Who may use the web API and page, from configuration {@value WebConfig#PID}. A component of its own so that a
 * configuration change never touches the servlet context's service registration (the HTTP whiteboard would tear the
 * context and every servlet in it down and build them again).
 */
@Component(service = WebAccess.class, configurationPid = WebConfig.PID)
@Designate(ocd = WebConfig.class)
public class WebAccess {

    private volatile WebConfig config;

    @Activate
    public WebAccess(WebConfig config) {
        this.config = config;
    }

    @Modified
    void modified(WebConfig config) {
        this.config = config;
    }

    boolean allowLocalhost() {
        return config.allow_localhost();
    }

    /** The roles, whether given as an array or (from a .cfg file) as one comma-separated string. */
    Set<String> roles() {
        return new java.util.LinkedHashSet<>(ConfigValues.list(config.roles()));
    }
}
