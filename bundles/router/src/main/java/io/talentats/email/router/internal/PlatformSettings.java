package io.talentats.email.router.internal;

import java.util.Dictionary;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;

/**
 * The platform transport as configured (PID {@value PlatformConfig#PID}), its password decrypted for use.
 *
 * @param endpoint the SMTP server, or {@code null} when not configured
 * @param username the login, or {@code null} when the server needs none
 * @param password the password, or {@code null}
 * @param fromAddress the platform's sender address
 * @param fromNamePattern the display name, {@code {name}} standing for the recruiter's name
 */
record PlatformSettings(Endpoint endpoint, String username, Secret password, String fromAddress,
        String fromNamePattern) {

    static final PlatformSettings NONE = new PlatformSettings(null, null, null, null, null);

    boolean ready() {
        return endpoint != null && fromAddress != null;
    }

    String fromName(String recruiterName) {
        String name = recruiterName == null || recruiterName.isBlank() ? "A recruiter" : recruiterName.trim();
        return fromNamePattern.replace("{name}", name);
    }

    /** Reads the configuration; problems are reported by what they name, never by the password. */
    static PlatformSettings from(Dictionary<String, ?> p, java.util.function.UnaryOperator<String> decrypt) {
        if (p == null) {
            return NONE;
        }
        String host = str(p, "host");
        String from = str(p, "from.address");
        if (host == null) {
            return NONE;
        }
        if (from == null) {
            throw new IllegalArgumentException("from.address is missing: the platform needs a sender address");
        }
        int port = p.get("port") == null ? 587 : Integer.parseInt(p.get("port").toString().trim());
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
        Security security = p.get("security") == null ? Security.STARTTLS
                : Security.valueOf(p.get("security").toString().trim());
        String pattern = str(p, "from.name.pattern");
        String password = str(p, "password");
        return new PlatformSettings(new Endpoint(host, port, security), str(p, "username"),
                password == null ? null : Secret.of(decrypt.apply(password)), from,
                pattern == null ? "{name} via talentATS" : pattern);
    }

    private static String str(Dictionary<String, ?> p, String key) {
        Object v = p.get(key);
        return v == null || v.toString().isBlank() ? null : v.toString().trim();
    }

    @Override
    public String toString() {
        return "PlatformSettings[" + endpoint + ", from " + fromAddress + "]";
    }
}
