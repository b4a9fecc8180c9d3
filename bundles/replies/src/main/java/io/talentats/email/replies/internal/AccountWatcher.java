package io.talentats.email.replies.internal;

import java.util.Map;
import java.util.Objects;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * One per connected account: Declarative Services makes an instance for every configuration of the account
 * factory PID, so a watcher starts when a recruiter connects and stops when they disconnect; the engine runs it only
 * while connectivity is on. Not a service, so the account's properties are published
 * nowhere.
 */
@Component(service = {}, configurationPid = "io.talentats.email.account",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public class AccountWatcher {

    private final Watchers watchers;
    private String userId;
    private String connection;

    @Activate
    public AccountWatcher(Map<String, Object> props, @Reference Watchers watchers) {
        this.watchers = watchers;
        apply(props);
    }

    /**
     * The account configuration changed. Only a change of what the connection depends on (server, login, password,
     * enabled) restarts the watcher; what using the account writes back (health, last test) does not.
     */
    @Modified
    void modified(Map<String, Object> props) {
        apply(props);
    }

    private void apply(Map<String, Object> props) {
        String user = String.valueOf(props.get("user.id"));
        boolean enabled = !"false".equalsIgnoreCase(String.valueOf(props.get("enabled")));
        String now = enabled ? String.join("|", String.valueOf(props.get("imap.host")),
                String.valueOf(props.get("imap.port")), String.valueOf(props.get("imap.security")),
                String.valueOf(props.get("username")), String.valueOf(props.get("email.address")),
                String.valueOf(props.get("password"))) : null;
        if (Objects.equals(user, userId) && Objects.equals(now, connection)) {
            return;
        }
        if (userId != null) {
            watchers.unwatch(userId);
        }
        userId = user;
        connection = now;
        if (enabled) {
            watchers.watch(user);
        }
    }

    @Deactivate
    void deactivate() {
        if (userId != null && connection != null) {
            watchers.unwatch(userId);
        }
    }
}
