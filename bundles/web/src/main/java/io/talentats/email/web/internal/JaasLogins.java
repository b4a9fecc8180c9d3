package io.talentats.email.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Principal;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins to Karaf's JAAS realm, remembered for a short while so that a page making ten calls does not log in ten
 * times (an LDAP-backed realm would be hit per call). A remembered login is keyed by a keyed hash of the name and
 * password (the key is random per start, so the map holds nothing a dump could use); a refused login is never
 * remembered, so a corrected password works at once.
 */
final class JaasLogins {

    private static final Logger LOG = LoggerFactory.getLogger(JaasLogins.class);
    private static final int MAX_REMEMBERED = 10_000;

    /** The realm: the roles of a login that succeeds, empty when it is refused. */
    @FunctionalInterface
    interface Realm {
        Optional<Set<String>> login(String user, String password);
    }

    private record Remembered(Set<String> roles, long until) {}

    private final Realm realm;
    private final long ttlNanos;
    private final LongSupplier nanos;
    private final SecretKeySpec key;
    private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

    JaasLogins(Realm realm, Duration ttl, LongSupplier nanos) {
        this.realm = realm;
        this.ttlNanos = ttl.toNanos();
        this.nanos = nanos;
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    /** The roles of the login, or empty when the realm refuses it. */
    Optional<Set<String>> login(String user, String password) {
        if (ttlNanos <= 0) {
            return realm.login(user, password);
        }
        String id = fingerprint(user, password);
        long now = nanos.getAsLong();
        Remembered r = remembered.get(id);
        if (r != null && now - r.until() < 0) {
            return Optional.of(r.roles());
        }
        Optional<Set<String>> roles = realm.login(user, password);
        if (roles.isPresent()) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.values().removeIf(old -> now - old.until() >= 0);
                if (remembered.size() >= MAX_REMEMBERED) {
                    remembered.clear();
                }
            }
            remembered.put(id, new Remembered(roles.get(), now + ttlNanos));
        } else {
            remembered.remove(id);
        }
        return roles;
    }

    private String fingerprint(String user, String password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return Base64.getEncoder().encodeToString(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** Karaf's realm {@code karaf}: logs in, reads the role principals, logs out; the password is never logged. */
    static Realm karaf(String realmName) {
        return (user, password) -> {
            Subject subject = new Subject();
            try {
                LoginContext login = new LoginContext(realmName, subject, callbacks -> {
                    for (Callback cb : callbacks) {
                        if (cb instanceof NameCallback n) {
                            n.setName(user);
                        } else if (cb instanceof PasswordCallback p) {
                            p.setPassword(password.toCharArray());
                        } else {
                            throw new UnsupportedCallbackException(cb);
                        }
                    }
                });
                login.login();
                Set<String> roles = new TreeSet<>();
                for (Principal p : subject.getPrincipals()) {
                    if (p.getClass().getSimpleName().equals("RolePrincipal")) {
                        roles.add(p.getName());
                    }
                }
                login.logout();
                return Optional.of(Set.copyOf(roles));
            } catch (LoginException e) {
                LOG.info("Web login of {} refused: {}", user, e.getMessage());
                return Optional.empty();
            }
        };
    }
}
