package io.talentats.email.router.internal;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;

/**
 * The platform transport as configured (PID {@value PlatformConfig#PID}), its password decrypted for use.
 *
 * @param endpoint the SMTP server, or {@code null} when not configured
 * @param username the login, or {@code null} when the server needs none
 * @param password the password, or {@code null}
 * @param fromAddress the platform's sender address
 * @param fromNamePattern the display name, {@code {name}} standing for the recruiter's name
 * @param returnPath the bounce address before the token is added, e.g. {@code bounces@platform.example}
 * @param bounceMailbox the IMAP server of the mailbox the return path reaches, or {@code null}
 */
record PlatformSettings(Endpoint endpoint, String username, Secret password, String fromAddress,
        String fromNamePattern, String returnPath, Endpoint bounceMailbox) {

    static final PlatformSettings NONE = new PlatformSettings(null, null, null, null, null, null, null);

    boolean ready() {
        return endpoint != null && fromAddress != null;
    }

    /** The SMTP envelope sender of a message with {@code token}: the return path with {@code +tats-TOKEN}. */
    String envelopeFrom(String token) {
        String base = returnPath != null ? returnPath : fromAddress;
        int at = base.lastIndexOf('@');
        return token == null || at < 1 ? base : base.substring(0, at) + "+tats-" + token + base.substring(at);
    }

    String fromName(String recruiterName) {
        String name = recruiterName == null || recruiterName.isBlank() ? "A recruiter" : recruiterName.trim();
        return fromNamePattern.replace("{name}", name);
    }

    /** Reads the configuration; problems are reported by what they name, never by the password. */
    static PlatformSettings from(PlatformConfig c, java.util.function.UnaryOperator<String> decrypt) {
        String host = blankToNull(c.host());
        if (host == null) {
            return NONE;
        }
        String from = blankToNull(c.from_address());
        if (from == null) {
            throw new IllegalArgumentException("from.address is missing: the platform needs a sender address");
        }
        if (c.port() < 1 || c.port() > 65535) {
            throw new IllegalArgumentException("port must be between 1 and 65535");
        }
        String pattern = blankToNull(c.from_name_pattern());
        String password = blankToNull(c.password());
        String imap = blankToNull(c.imap_host());
        if (imap != null && (c.imap_port() < 1 || c.imap_port() > 65535)) {
            throw new IllegalArgumentException("imap.port must be between 1 and 65535");
        }
        return new PlatformSettings(new Endpoint(host, c.port(), c.security()), blankToNull(c.username()),
                password == null ? null : Secret.of(decrypt.apply(password)), from,
                pattern == null ? "{name} via talentATS" : pattern, blankToNull(c.return_path()),
                imap == null ? null : new Endpoint(imap, c.imap_port(), c.imap_security()));
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    @Override
    public String toString() {
        return "PlatformSettings[" + endpoint + ", from " + fromAddress + "]";
    }
}
