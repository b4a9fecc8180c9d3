package io.talentats.email.mail;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import io.talentats.email.api.FailureClass;

import jakarta.mail.AuthenticationFailedException;

/**
 * The one place that decides what a failed mail call means: turns what went wrong (an exception chain, a server
 * reply) into a {@link FailureClass}. Test Connection reports it, the router and the collector act on it (a refused
 * login marks the account; a connection problem is retried). Pure: no I/O. The reply patterns are taken from what
 * the providers really answer (Gmail, Microsoft, Yahoo; see the unit test).
 */
public final class MailFailures {

    private static final Pattern APP_PASSWORD = Pattern.compile(
            "5\\.7\\.9|application-specific password|app(lication)? password (is )?required|InvalidSecondFactor|"
                    + "web login required|WEBALERT|log ?in via your web browser", Pattern.CASE_INSENSITIVE);
    /** Microsoft's answer when SMTP AUTH is off for the tenant or the mailbox: OAuth does not help either. */
    private static final Pattern SMTP_AUTH_DISABLED = Pattern.compile(
            "SmtpClientAuthentication is disabled|smtp_auth_disabled", Pattern.CASE_INSENSITIVE);
    private static final Pattern BASIC_AUTH_DISABLED = Pattern.compile(
            "5\\.7\\.139|5\\.7\\.30|basic auth(entication)? is (disabled|not supported)|"
                    + "SmtpClientAuthentication is disabled|BasicAuthBlocked|basic authentication is not supported",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern IMAP_DISABLED = Pattern.compile(
            "not enabled for IMAP|IMAP (access )?(is )?disabled|enable IMAP|IMAP (access )?(is )?not (enabled|allowed)|"
                    + "authenticated but not connected|yet to enable IMAP",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern AUTH_FAILED = Pattern.compile(
            "(^|\\D)535(\\D|$)|5\\.7\\.8|5\\.7\\.3 |AUTHENTICATIONFAILED|invalid credentials|authentication required|"
                    + "authentication (failed|unsuccessful)|AUTHENTICATE failed|LOGIN failed|Username and Password not accepted|"
                    + "incorrect (username|password)|bad username or password|AUTH005",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern STARTTLS_MISSING = Pattern.compile("STARTTLS (is )?required but",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PLAIN_ANSWER_TO_TLS = Pattern.compile(
            "unrecognized SSL message|plaintext connection", Pattern.CASE_INSENSITIVE);
    private static final Pattern HOSTNAME = Pattern.compile(
            "No subject alternative|No name matching|identity of server",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern UNTRUSTED = Pattern.compile(
            "PKIX path|unable to find valid certification path|certificate_unknown|CertificateExpired|"
                    + "validity check failed|certificate has expired|self[- ]signed|untrusted|bad_certificate|"
                    + "Signature does not match",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern HANDSHAKE_CUT = Pattern.compile(
            "Remote host terminated the handshake|Connection reset|Unexpected end of file|handshake_failure",
            Pattern.CASE_INSENSITIVE);

    private MailFailures() {}

    /**
     * Classifies a failed connect/login/command.
     *
     * @param error what was thrown
     * @param serverReply the server's last reply if the caller has it (SMTP), else {@code null}
     */
    public static Diagnosis classify(Throwable error, String serverReply) {
        List<Throwable> chain = chain(error);
        for (Throwable t : chain) {
            if (t instanceof ClassifiedFailure c) {
                return c.diagnosis();
            }
        }
        String reply = serverReply != null ? serverReply.trim() : replyOf(chain);

        for (Throwable t : chain) {
            if (t instanceof UnknownHostException) {
                return new Diagnosis(FailureClass.UNKNOWN_HOST, null, "the server name does not resolve: "
                        + t.getMessage());
            }
        }
        for (Throwable t : chain) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                if (m.contains("refused")) {
                    return new Diagnosis(FailureClass.CONNECTION_REFUSED, null, "connection refused");
                }
                if (m.contains("timed out")) {
                    return new Diagnosis(FailureClass.CONNECT_TIMEOUT, null, "connecting timed out");
                }
                return new Diagnosis(FailureClass.CONNECT_TIMEOUT, null, "cannot reach the server: " + t.getMessage());
            }
            if (t instanceof SocketTimeoutException
                    && String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("connect")) {
                return new Diagnosis(FailureClass.CONNECT_TIMEOUT, null, "connecting timed out");
            }
        }
        String all = messages(chain);
        if (STARTTLS_MISSING.matcher(all).find()) {
            return new Diagnosis(FailureClass.STARTTLS_NOT_OFFERED, reply, "the server does not offer STARTTLS");
        }
        boolean ssl = chain.stream().anyMatch(t -> t instanceof SSLException
                || t instanceof java.security.cert.CertificateException
                || t.getClass().getName().startsWith("sun.security.validator"));
        if (ssl || all.contains("SSL") || all.contains("certificate")) {
            if (PLAIN_ANSWER_TO_TLS.matcher(all).find()) {
                return new Diagnosis(FailureClass.TLS_MISMATCH, null,
                        "TLS was started but the server answered in plain text");
            }
            if (HOSTNAME.matcher(all).find()) {
                return new Diagnosis(FailureClass.HOSTNAME_MISMATCH, null,
                        "the certificate does not name this server: " + rootMessage(chain));
            }
            if (UNTRUSTED.matcher(all).find()) {
                return new Diagnosis(FailureClass.CERTIFICATE_UNTRUSTED, null,
                        "the server's certificate is not trusted: " + rootMessage(chain));
            }
            if (HANDSHAKE_CUT.matcher(all).find()) {
                return new Diagnosis(FailureClass.UNKNOWN, null, "the TLS handshake was cut off: " + rootMessage(chain));
            }
        }
        // Jakarta Mail's IMAP turns a read timeout into a made-up "* BYE Jakarta Mail Exception: ...Read timed out"
        if (chain.stream().anyMatch(t -> t instanceof SocketTimeoutException) || READ_TIMED_OUT.matcher(all).find()) {
            return new Diagnosis(FailureClass.GREETING_TIMEOUT, null,
                    "the connection opened but the server did not answer in time");
        }
        if (reply != null) {
            FailureClass byReply = classifyReply(reply);
            if (byReply != null) {
                return new Diagnosis(byReply, reply, describe(byReply));
            }
        }
        if (chain.stream().anyMatch(t -> t instanceof AuthenticationFailedException)) {
            return new Diagnosis(FailureClass.AUTHENTICATION_FAILED, reply, describe(FailureClass.AUTHENTICATION_FAILED));
        }
        return new Diagnosis(FailureClass.UNKNOWN, reply, rootMessage(chain));
    }

    /** The class a server's refusal of a login stands for, or {@code null} if the text says nothing specific. */
    public static FailureClass classifyReply(String reply) {
        if (reply == null || reply.isBlank()) {
            return null;
        }
        if (SMTP_AUTH_DISABLED.matcher(reply).find()) {
            return FailureClass.SMTP_AUTH_DISABLED;
        }
        if (BASIC_AUTH_DISABLED.matcher(reply).find()) {
            return FailureClass.BASIC_AUTH_DISABLED;
        }
        if (APP_PASSWORD.matcher(reply).find()) {
            return FailureClass.APP_PASSWORD_REQUIRED;
        }
        if (IMAP_DISABLED.matcher(reply).find()) {
            return FailureClass.IMAP_DISABLED;
        }
        if (AUTH_FAILED.matcher(reply).find()) {
            return FailureClass.AUTHENTICATION_FAILED;
        }
        return null;
    }

    /** Whether the failure happened before the server said anything, so that a TLS mix-up may be the cause. */
    private static final java.util.regex.Pattern READ_TIMED_OUT = java.util.regex.Pattern.compile(
            "SocketTimeoutException|Read timed out");

    public static boolean mayBeTlsMixUp(Diagnosis d) {
        return d.failure() == FailureClass.GREETING_TIMEOUT
                || (d.failure() == FailureClass.UNKNOWN && d.detail().startsWith("the TLS handshake was cut off"));
    }

    private static String describe(FailureClass f) {
        return switch (f) {
            case AUTHENTICATION_FAILED -> "the server refused the username or password";
            case APP_PASSWORD_REQUIRED -> "the provider wants an app-specific password";
            case BASIC_AUTH_DISABLED -> "the provider has switched password sign-in off for this account";
            case SMTP_AUTH_DISABLED -> "the organisation has switched SMTP sign-in off for mail programs";
            case IMAP_DISABLED -> "IMAP access is switched off for this account";
            default -> f.name();
        };
    }

    private static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
            if (t instanceof jakarta.mail.MessagingException me && me.getNextException() != null
                    && me.getNextException() != t.getCause()) {
                chain.add(me.getNextException());
            }
        }
        return chain;
    }

    private static String messages(List<Throwable> chain) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t : chain) {
            sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return sb.toString();
    }

    /** The server's words carried by a login refusal, if any. */
    private static String replyOf(List<Throwable> chain) {
        for (Throwable t : chain) {
            if (t instanceof AuthenticationFailedException && t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage().trim();
            }
        }
        for (Throwable t : chain) {
            String m = t.getMessage();
            if (m != null && m.matches("(?s)^\\d{3}[ -].*")) {
                return m.trim();
            }
        }
        return null;
    }

    private static String rootMessage(List<Throwable> chain) {
        Throwable root = chain.get(chain.size() - 1);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
