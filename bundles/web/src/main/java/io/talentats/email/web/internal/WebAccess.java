package io.talentats.email.web.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

import io.talentats.email.support.ConfigValues;
import io.talentats.email.runtime.SecretCipher;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the web API and page, from configuration {@value WebConfig#PID}: the operator roles, the recruiters'
 * self-service role, the host ATS's token secret (encrypted in ConfigAdmin, decrypted here) and the JAAS login
 * cache. A component of its own so that a configuration change never touches the servlet context's service
 * registration (the HTTP whiteboard would tear the context and every servlet in it down and build them again).
 */
@Component(service = WebAccess.class, configurationPid = WebConfig.PID)
@Designate(ocd = WebConfig.class)
public class WebAccess {

    private static final Logger LOG = LoggerFactory.getLogger(WebAccess.class);
    static final String SECRET_KEY = "token.secret";

    /** The configuration as this component uses it. */
    record Rules(Set<String> operatorRoles, String selfServiceRole, HostTokens tokens, JaasLogins logins,
            boolean allowLocalhost) {}

    private final SecretCipher cipher;
    private volatile Rules rules;

    @Activate
    public WebAccess(WebConfig config, @Reference SecretCipher cipher) {
        this.cipher = cipher;
        modified(config);
    }

    @Modified
    void modified(WebConfig config) {
        String secret = config.token_secret();
        if (secret != null && !secret.isBlank() && !cipher.isCipherText(secret)) {
            cipher.encryptInConfiguration(WebConfig.PID, SECRET_KEY); // comes back here with the ciphertext
        }
        HostTokens tokens = null;
        if (secret != null && !secret.isBlank()) {
            try {
                String plain = cipher.isCipherText(secret)
                        ? cipher.decrypt(secret, SecretCipher.context(WebConfig.PID, SECRET_KEY)) : secret;
                tokens = new HostTokens(plain, config.token_audience().trim(),
                        Duration.ofMinutes(Math.max(1, config.token_max_lifetime_minutes())), Clock.systemUTC());
            } catch (RuntimeException e) {
                LOG.error("Host tokens are refused until {} is fixed: {}", WebConfig.PID, e.getMessage());
            }
        }
        String selfService = config.self_service_role() == null ? "" : config.self_service_role().trim();
        Rules before = rules;
        Duration cache = Duration.ofSeconds(Math.max(0, config.login_cache_seconds()));
        // A new realm cache on every change: a role taken away is not remembered past the change.
        rules = new Rules(new LinkedHashSet<>(ConfigValues.list(config.roles())), selfService, tokens,
                new JaasLogins(JaasLogins.karaf(EmailWebContext.REALM), cache, System::nanoTime),
                config.allow_localhost());
        if (before == null || before.tokens() == null != (tokens == null)) {
            LOG.info("Web access: operator roles {}, self-service role {}, host tokens {}", rules.operatorRoles(),
                    selfService.isEmpty() ? "none" : selfService, tokens == null ? "off" : "on");
        }
    }

    Rules rules() {
        return rules;
    }

}
