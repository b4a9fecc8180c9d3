package io.talentats.email.oauth.internal;

import java.util.Map;

import io.talentats.email.api.Secret;
import io.talentats.email.runtime.SecretCipher;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operator-configured OAuth client (factory configuration {@value OAuthClientConfig#FACTORY_PID}), a service
 * private to this bundle. A plain-text client secret is encrypted and written back at once; the update that causes
 * brings a new instance with the ciphertext.
 */
@Component(service = OAuthClient.class, configurationPid = OAuthClientConfig.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = OAuthClientConfig.class, factory = true)
public class OAuthClient {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthClient.class);
    static final String CALLBACK_PATH = "/talentats-email/oauth/callback";

    private final OAuthClientConfig config;
    private final String pid;
    private final SecretCipher cipher;
    private final String problem;

    @Activate
    public OAuthClient(OAuthClientConfig config, Map<String, Object> properties, @Reference SecretCipher cipher) {
        this.config = config;
        this.cipher = cipher;
        this.pid = String.valueOf(properties.get("service.pid"));
        String secret = config.client_secret();
        if (secret != null && !secret.isBlank() && !cipher.isCipherText(secret)) {
            cipher.encryptInConfiguration(pid, "client.secret");
        }
        this.problem = problem(config);
        if (problem != null) {
            LOG.error("OAuth client {} is not usable: {}", pid, problem);
        } else {
            LOG.info("OAuth client for provider {} configured ({}); redirect URI {}", provider(), pid, redirectUri());
        }
    }

    /** What is wrong with the configuration, or {@code null}. */
    static String problem(OAuthClientConfig c) {
        if (c.provider() == null || !c.provider().trim().matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            return "provider must be google, microsoft or another preset's OAuth provider (lower case)";
        }
        if (c.client_id() == null || c.client_id().isBlank()) {
            return "client.id is missing: the id the provider issued for this application";
        }
        String access = c.mail_access() == null ? "" : c.mail_access().trim();
        if (!ApiScopes.known(access)) {
            return "mail.access must be smtp-imap, graph, gmail-api or auto";
        }
        if (ApiScopes.provider(access).map(p -> !p.equals(c.provider().trim())).orElse(false)) {
            return "mail.access " + access + " needs provider " + ApiScopes.provider(access).get();
        }
        String base = c.callback_base_url();
        if (base == null || !(base.trim().startsWith("https://") || base.trim().startsWith("http://"))) {
            return "callback.base.url must be the public http(s) URL browsers reach this Karaf at, e.g. "
                    + "https://ats.example.com";
        }
        return null;
    }

    boolean usable() {
        return problem == null;
    }

    String provider() {
        return config.provider().trim();
    }

    String clientId() {
        return config.client_id().trim();
    }

    /** The client secret, or {@code null} for a public client. */
    Secret clientSecret() {
        String s = config.client_secret();
        if (s == null || s.isBlank()) {
            return null;
        }
        return Secret.of(cipher.isCipherText(s) ? cipher.decrypt(s, SecretCipher.context(pid, "client.secret")) : s);
    }

    String tenant() {
        return config.tenant() == null || config.tenant().isBlank() ? "common" : config.tenant().trim();
    }

    String redirectUri() {
        String base = config.callback_base_url().trim();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + CALLBACK_PATH;
    }

    String displayName() {
        return config.display_name();
    }

    /** How the mailboxes signed in with this client are reached ({@code smtp-imap}, {@code graph}, …). */
    String mailAccess() {
        return config.mail_access().trim();
    }

    OAuthClientConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "OAuthClient[" + pid + ", " + config.provider() + "]";
    }
}
