package io.talentats.email.replies.internal;

import java.util.Objects;

import io.talentats.email.runtime.AccountConfig;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * One per connected account: Declarative Services makes an instance for every configuration of the account
 * factory PID, so a watcher starts when a recruiter connects and stops when they disconnect; the engine runs it only
 * while connectivity is on. Not a service, so the account's properties are published nowhere.
 */
@Component(service = {}, configurationPid = AccountConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
public class AccountWatcher {

    private final Watchers watchers;
    private String userId;
    private String connection;

    @Activate
    public AccountWatcher(AccountConfig account, @Reference Watchers watchers) {
        this.watchers = watchers;
        apply(account);
    }

    /**
     * The account configuration changed. Only a change of what the connection depends on (server, login, password,
     * sign-in method, mail access, enabled) restarts the watcher; a save that changes nothing of it (the display name, say) does
     * not. An OAuth account is saved by each new sign-in, whose grant lives in the store: every save of one restarts
     * the watcher, so a recruiter who signed in again is watched again at once, not at the next retry.
     */
    @Modified
    void modified(AccountConfig account) {
        apply(account);
    }

    private void apply(AccountConfig a) {
        String user = a.user_id();
        boolean oauth = "oauth2".equals(a.auth_method());
        String now = a.enabled() ? String.join("|", a.imap_host(), String.valueOf(a.imap_port()), a.imap_security(),
                a.username(), a.email_address(), a.password(), a.auth_method(), a.oauth_provider(),
                oauth ? a.saved_at() : "", a.mail_access()) : null;
        if (Objects.equals(user, userId) && Objects.equals(now, connection)) {
            return;
        }
        if (userId != null) {
            watchers.unwatch(userId);
        }
        userId = user;
        connection = now;
        if (now != null) {
            watchers.watch(user, oauth ? a.mail_access() : io.talentats.email.api.Account.SMTP_IMAP);
        }
    }

    @Deactivate
    void deactivate() {
        if (userId != null && connection != null) {
            watchers.unwatch(userId);
        }
    }
}
