package io.talentats.email.settings.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Optional;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Security;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccountConfig;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.AccountStates;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The stable layout of one account's factory configuration: factory PID {@value #FACTORY_PID}, named after the user
 * id, so the PID of a user's account is {@code io.talentats.email.account~USERID}. Documented in docs/configuration.md; change
 * only with a migration.
 */
final class AccountKeys {

    static final String FACTORY_PID = AccountConfig.FACTORY_PID;

    static final String USER_ID = "user.id";
    static final String EMAIL_ADDRESS = "email.address";
    static final String USERNAME = "username";
    /** Ciphertext only, {@code {aesgcm:KEYID}…}, bound to the context {@code <pid>/password}. */
    static final String PASSWORD = "password";
    static final String DISPLAY_NAME = "display.name";
    static final String SMTP_HOST = "smtp.host";
    static final String SMTP_PORT = "smtp.port";
    static final String SMTP_SECURITY = "smtp.security";
    static final String IMAP_HOST = "imap.host";
    static final String IMAP_PORT = "imap.port";
    static final String IMAP_SECURITY = "imap.security";
    static final String PRESET_ID = "preset.id";
    /** {@code auto} (follow the preset), {@code true} or {@code false}. */
    static final String SAVE_SENT_COPY = "save.sent.copy";
    static final String ENABLED = "enabled";
    static final String SAVED_AT = "saved.at";
    /** {@code password} (or absent) or {@code oauth2}. */
    static final String AUTH_METHOD = "auth.method";
    static final String OAUTH2 = "oauth2";
    /** The OAuth provider of an {@code oauth2} account; its tokens are in the store, never here. */
    static final String OAUTH_PROVIDER = "oauth.provider";
    /** The way into the mailbox of an {@code oauth2} account: absent (SMTP and IMAP), {@code graph}, {@code gmail-api}. */
    static final String MAIL_ACCESS = "mail.access";
    /**
     * The version of the shared copy this configuration holds ({@link io.talentats.email.runtime.SharedAccounts}):
     * written by the node that saved it and by every node that mirrored it; absent before the store was installed.
     */
    static final String SHARED_VERSION = "shared.version";

    /**
     * Runtime state that versions before 1.0 kept in the configuration; it now lives in {@link AccountStates}. The
     * settings service carries values found under these keys over once and removes them.
     */
    static final String LEGACY_VERIFIED_AT = "verified.at";
    static final String LEGACY_VERIFIED_PASSED = "verified.passed";
    static final String LEGACY_VERIFIED_SUMMARY = "verified.summary";
    static final String LEGACY_HEALTH_STATE = "health.state";
    static final String LEGACY_HEALTH_REASON = "health.reason";
    static final String LEGACY_HEALTH_SINCE = "health.since";
    static final java.util.List<String> LEGACY_STATE = java.util.List.of(LEGACY_VERIFIED_AT, LEGACY_VERIFIED_PASSED,
            LEGACY_VERIFIED_SUMMARY, LEGACY_HEALTH_STATE, LEGACY_HEALTH_REASON, LEGACY_HEALTH_SINCE);

    private AccountKeys() {}

    /** The OAuth provider of an OAuth account, {@code null} for a password account. */
    static String oauthProvider(Dictionary<String, Object> p) {
        return OAUTH2.equals(str(p, AUTH_METHOD)) ? str(p, OAUTH_PROVIDER) : null;
    }

    static String pid(String userId) {
        return FACTORY_PID + "~" + userId;
    }

    /** The account as the host sees it: the configuration, and what using it taught us. */
    static Account toAccount(Dictionary<String, Object> p, AccountState state) {
        return new Account(
                str(p, USER_ID),
                str(p, EMAIL_ADDRESS),
                str(p, USERNAME),
                str(p, DISPLAY_NAME),
                endpoint(p, SMTP_HOST, SMTP_PORT, SMTP_SECURITY),
                endpoint(p, IMAP_HOST, IMAP_PORT, IMAP_SECURITY),
                str(p, PRESET_ID),
                saveSentCopy(p),
                bool(p, ENABLED, true),
                str(p, PASSWORD) != null,
                instant(p, SAVED_AT),
                state.lastVerification(),
                state.health(),
                oauthProvider(p),
                oauthProvider(p) == null ? null : str(p, MAIL_ACCESS));
    }

    static Endpoint endpoint(Dictionary<String, Object> p, String host, String port, String security) {
        String sec = str(p, security);
        return new Endpoint(str(p, host), integer(p, port), sec == null ? null : Security.valueOf(sec));
    }

    static Boolean saveSentCopy(Dictionary<String, Object> p) {
        String v = str(p, SAVE_SENT_COPY);
        return v == null || v.equals("auto") ? null : Boolean.valueOf(v);
    }

    /** The state a configuration written before 1.0 holds, or {@code null} if it holds none. */
    static AccountState legacyState(Dictionary<String, Object> p) {
        if (LEGACY_STATE.stream().noneMatch(k -> p.get(k) != null)) {
            return null;
        }
        Instant at = instant(p, LEGACY_VERIFIED_AT);
        Verification v = at == null ? null
                : new Verification(at, bool(p, LEGACY_VERIFIED_PASSED, false), str(p, LEGACY_VERIFIED_SUMMARY));
        String state = str(p, LEGACY_HEALTH_STATE);
        AccountHealth health = state == null ? AccountHealth.healthy()
                : new AccountHealth(AccountHealth.State.valueOf(state), str(p, LEGACY_HEALTH_REASON),
                        instant(p, LEGACY_HEALTH_SINCE));
        return new AccountState(str(p, USER_ID), v, health);
    }

    static String str(Dictionary<String, Object> p, String key) {
        Object v = p.get(key);
        return v == null ? null : v.toString();
    }

    static int integer(Dictionary<String, Object> p, String key) {
        Object v = p.get(key);
        if (v instanceof Number n) {
            return n.intValue();
        }
        return v == null ? 0 : Integer.parseInt(v.toString().trim());
    }

    static boolean bool(Dictionary<String, Object> p, String key, boolean dflt) {
        Object v = p.get(key);
        return v == null ? dflt : Boolean.parseBoolean(v.toString().trim());
    }

    static Instant instant(Dictionary<String, Object> p, String key) {
        String v = str(p, key);
        return v == null ? null : Instant.parse(v);
    }

    /** The user's account configuration in this node's ConfigAdmin. */
    static Optional<Configuration> find(ConfigurationAdmin configAdmin, String userId) {
        if (userId == null || !AccountValidator.USER_ID.matcher(userId).matches()) {
            return Optional.empty();
        }
        Configuration[] found = configurations(configAdmin, "(service.pid=" + escape(pid(userId)) + ")");
        return found.length == 0 ? Optional.empty() : Optional.of(found[0]);
    }

    /** Every account configuration in this node's ConfigAdmin. */
    static Configuration[] all(ConfigurationAdmin configAdmin) {
        return configurations(configAdmin, "(service.factoryPid=" + FACTORY_PID + ")");
    }

    /** The configurations matching {@code filter} that have properties. */
    static Configuration[] configurations(ConfigurationAdmin configAdmin, String filter) {
        try {
            Configuration[] found = configAdmin.listConfigurations(filter);
            if (found == null) {
                return new Configuration[0];
            }
            // A configuration that was created but never updated has no properties yet; it is not an account.
            return Arrays.stream(found).filter(c -> c.getProperties() != null).toArray(Configuration[]::new);
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("Cannot read email settings from ConfigAdmin", e);
        }
    }

    /** Escapes a value for an LDAP filter (RFC 4515). */
    static String escape(String value) {
        StringBuilder sb = new StringBuilder();
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '\\', '*', '(', ')' -> sb.append('\\').append(ch);
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

}
