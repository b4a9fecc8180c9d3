package io.talentats.email.api;

/** The steps of a connection test, in the order they run. */
public enum TestStep {
    /** Connect, secure and log in to the SMTP server, and have the sender address accepted. */
    SMTP,
    /** Connect, secure and log in to the IMAP server, and open the inbox read-only. */
    IMAP,
    /**
     * For a mailbox reached through a provider's API (Microsoft Graph, Gmail API): sign in and read the mailbox's
     * profile, which names the mailbox the token is for.
     */
    API_PROFILE,
    /** For a mailbox reached through a provider's API: read what arrived in the inbox (the read permission). */
    API_INBOX,
    /** Send a test message to the account's own address. */
    ROUND_TRIP_SEND,
    /** See the test message arrive in the inbox. */
    ROUND_TRIP_RECEIVE
}
