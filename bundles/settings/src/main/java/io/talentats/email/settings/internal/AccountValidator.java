package io.talentats.email.settings.internal;

import java.net.IDN;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.Security;

/** Checks a draft field by field; one clear message per bad field, saying what to fix. */
final class AccountValidator {

    /** The name of a way into a mailbox (a {@code MailAccess}'s {@code mail.access} property). */
    private static final java.util.regex.Pattern MAIL_ACCESS = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

    static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}");
    private static final Pattern PRESET_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final Pattern LOCAL_PART = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\\]?");

    private AccountValidator() {}

    /**
     * @param passwordStored whether a password is already stored (a draft without one keeps it)
     */
    static List<FieldError> validate(String userId, AccountDraft d, boolean passwordStored, boolean allowUnencrypted) {
        List<FieldError> errors = new ArrayList<>();
        if (userId != null && !USER_ID.matcher(userId).matches()) {
            errors.add(new FieldError("userId", "User id must be 1 to 128 letters, digits or . _ @ + - and start with "
                    + "a letter or digit"));
        }
        String address = emailProblem(d.emailAddress());
        if (address != null) {
            errors.add(new FieldError("emailAddress", address));
        }
        if (d.username() != null && !d.username().isEmpty()) {
            if (d.username().length() > 256 || d.username().chars().anyMatch(c -> Character.isWhitespace(c) || c < 0x20)) {
                errors.add(new FieldError("username", "Username must be at most 256 characters without spaces or line "
                        + "breaks; leave it empty to log in with the email address"));
            }
        }
        if (d.oauthProvider() != null) {
            if (d.password() != null && !d.password().isEmpty()) {
                errors.add(new FieldError("password", "An account that signs in with " + d.oauthProvider()
                        + " has no password: leave the password empty, or choose password login"));
            }
        } else if (d.password() == null || d.password().isEmpty()) {
            if (!passwordStored) {
                errors.add(new FieldError("password", "Enter the password (for Gmail, Yahoo and iCloud an app-specific "
                        + "password)"));
            }
        } else {
            String p = d.password().reveal();
            if (p.length() > 1024 || p.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                errors.add(new FieldError("password", "Password must be at most 1024 characters without line breaks"));
            }
        }
        if (d.mailAccess() != null) {
            if (!MAIL_ACCESS.matcher(d.mailAccess()).matches()) {
                errors.add(new FieldError("mailAccess", "Mail access must be smtp-imap, graph or gmail-api (or the "
                        + "name of one a plugin adds: lower-case letters, digits and '-')"));
            } else if (d.oauthProvider() == null) {
                errors.add(new FieldError("mailAccess", "Mail access " + d.mailAccess() + " needs a sign-in with the "
                        + "provider (Sign in with Microsoft for graph, with Google for gmail-api), not a password"));
            }
        }
        if (d.displayName() != null && (d.displayName().length() > 128
                || d.displayName().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0))) {
            errors.add(new FieldError("displayName", "Display name must be at most 128 characters on one line"));
        }
        endpoint("smtp", d.smtp(), 465, 587, allowUnencrypted, errors);
        endpoint("imap", d.imap(), 993, 143, allowUnencrypted, errors);
        if (d.presetId() != null && !PRESET_ID.matcher(d.presetId()).matches()) {
            errors.add(new FieldError("presetId", "Preset id must be lower-case letters, digits, '.', '_' or '-'"));
        }
        return errors;
    }

    /** What is wrong with an email address, or {@code null} if it is valid. */
    static String emailProblem(String address) {
        if (address == null || address.isBlank()) {
            return "Enter the full email address, e.g. jane.doe@example.com";
        }
        String a = address.trim();
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1) {
            return "'" + printable(a) + "' is not an email address: it needs a name, '@' and a domain, e.g. "
                    + "jane.doe@example.com";
        }
        String local = a.substring(0, at);
        String domain = a.substring(at + 1);
        if (local.length() > 64 || !LOCAL_PART.matcher(local).matches()) {
            return "The part before '@' of '" + printable(a) + "' is not valid: use letters, digits and . _ + - "
                    + "without spaces or two dots in a row";
        }
        if (hostProblem(domain, true) != null) {
            return "The domain of '" + printable(a) + "' is not valid: it should look like example.com";
        }
        if (a.length() > 254) {
            return "An email address can have at most 254 characters";
        }
        return null;
    }

    /** What is wrong with a host name, or {@code null} if it is valid. */
    static String hostProblem(String host, boolean needsDot) {
        if (host == null || host.isBlank()) {
            return "Enter the server name, e.g. smtp.example.com";
        }
        String h = host.trim();
        if (IPV4.matcher(h).matches() || (!needsDot && IPV6.matcher(h).matches() && h.indexOf(':') >= 0)) {
            return null;
        }
        String ascii;
        try {
            ascii = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return "'" + printable(h) + "' is not a valid server name";
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (ascii.isEmpty() || ascii.length() > 253) {
            return "'" + printable(h) + "' is not a valid server name";
        }
        String[] labels = ascii.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return "'" + printable(h) + "' is not a valid server name: use letters, digits, '-' and dots, e.g. "
                        + "smtp.example.com";
            }
        }
        if (needsDot && labels.length < 2) {
            return "'" + printable(h) + "' is not a full domain name";
        }
        return null;
    }

    private static void endpoint(String name, Endpoint e, int implicitTlsPort, int startTlsPort,
            boolean allowUnencrypted, List<FieldError> errors) {
        String label = name.toUpperCase(Locale.ROOT);
        if (e == null) {
            errors.add(new FieldError(name + ".host", "Enter the " + label + " server, port and security"));
            return;
        }
        String host = hostProblem(e.host(), false);
        if (host != null) {
            errors.add(new FieldError(name + ".host", label + " server: " + host));
        }
        if (e.port() < 1 || e.port() > 65535) {
            errors.add(new FieldError(name + ".port", label + " port must be between 1 and 65535 (usually "
                    + implicitTlsPort + " for SSL/TLS or " + startTlsPort + " for STARTTLS)"));
        }
        if (e.security() == null) {
            errors.add(new FieldError(name + ".security", "Choose the " + label + " security: SSL/TLS or STARTTLS"));
        } else if (e.security() == Security.NONE && !allowUnencrypted) {
            errors.add(new FieldError(name + ".security", label + " without encryption is not allowed: choose SSL/TLS "
                    + "(port " + implicitTlsPort + ") or STARTTLS (port " + startTlsPort + ")"));
        } else if (e.security() == Security.SSL_TLS && e.port() == startTlsPort) {
            errors.add(new FieldError(name + ".security", "Port " + startTlsPort + " is for STARTTLS, not SSL/TLS: "
                    + "choose STARTTLS, or use port " + implicitTlsPort + " with SSL/TLS"));
        } else if (e.security() == Security.STARTTLS && e.port() == implicitTlsPort) {
            errors.add(new FieldError(name + ".security", "Port " + implicitTlsPort + " is for SSL/TLS, not STARTTLS: "
                    + "choose SSL/TLS, or use port " + startTlsPort + " with STARTTLS"));
        }
    }

    /** The value with control characters made visible, for quoting user input in a message. */
    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
