package io.talentats.email.api;

/** Why one step of a connection test failed, as far as the server's behaviour tells. */
public enum FailureClass {
    /** The server refused the username or password. */
    AUTHENTICATION_FAILED,
    /** The provider wants an app-specific password instead of the account password (Gmail 534-5.7.9). */
    APP_PASSWORD_REQUIRED,
    /** The provider has switched password logins off for this account (Microsoft 5.7.139, 5.7.30). */
    BASIC_AUTH_DISABLED,
    /**
     * The organisation has switched SMTP AUTH off for the whole tenant or for the mailbox (Microsoft 5.7.139
     * "SmtpClientAuthentication is disabled"): no login works over SMTP, a "Sign in with Microsoft" neither.
     */
    SMTP_AUTH_DISABLED,
    /** The server's name does not resolve. */
    UNKNOWN_HOST,
    /** Nothing listens on that port. */
    CONNECTION_REFUSED,
    /** The connection could not be opened in time (wrong host or port, or a firewall dropping packets). */
    CONNECT_TIMEOUT,
    /** The connection opened but the server never sent its greeting. */
    GREETING_TIMEOUT,
    /**
     * The server greeted and the session started, but the login was not answered in time: servers slow down
     * answers after failed logins from the same address (Dovecot: 0.5 s, 4 s, then 15 s).
     */
    LOGIN_TIMEOUT,
    /** The security setting does not match the port: SSL/TLS against a STARTTLS port, or the reverse. */
    TLS_MISMATCH,
    /** STARTTLS was asked for but the server does not offer it. */
    STARTTLS_NOT_OFFERED,
    /** The server's certificate is not trusted (self-signed, unknown issuer, expired). */
    CERTIFICATE_UNTRUSTED,
    /** The server's certificate is trusted but does not name the host we connected to. */
    HOSTNAME_MISMATCH,
    /** The provider answered but IMAP access is switched off for this account. */
    IMAP_DISABLED,
    /** The SMTP server refused this address as sender. */
    SENDER_REJECTED,
    /** The server refused to relay or did not accept the test message for delivery. */
    RECIPIENT_REJECTED,
    /** The round-trip test message did not arrive in time. */
    MESSAGE_NOT_RECEIVED,
    /**
     * A provider's mail API (Microsoft Graph, Gmail API) refused the call for want of a permission: the scope was not
     * granted at sign-in, or the organisation's administrator has not consented to it.
     */
    PERMISSION_NOT_GRANTED,
    /** The mailbox cannot be used through the provider's mail API (not enabled for it, or no mail service). */
    API_ACCESS_DISABLED,
    /** The provider's sending or request quota for the mailbox is used up for now. */
    QUOTA_EXCEEDED,
    /** The provider asks to slow down (HTTP 429 or 503 with Retry-After). */
    THROTTLED,
    /** The message is larger than the provider accepts. */
    MESSAGE_TOO_LARGE,
    /** Anything else; the step's detail carries the raw text. */
    UNKNOWN
}
