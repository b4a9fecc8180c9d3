package io.talentats.email.api;

/** How one connection to a mail server is protected. */
public enum Security {
    /** TLS from the first byte (implicit TLS): SMTP 465, IMAP 993. */
    SSL_TLS("SSL/TLS"),
    /** A plain connection upgraded with STARTTLS before anything else is sent: SMTP 587, IMAP 143. */
    STARTTLS("STARTTLS"),
    /** No encryption at all. Accepted only when the operator has opted in (sandbox, internal relays). */
    NONE("no encryption");

    private final String label;

    Security(String label) {
        this.label = label;
    }

    /** How the page and the reports name it: "SSL/TLS", "STARTTLS", "no encryption". */
    public String label() {
        return label;
    }
}
