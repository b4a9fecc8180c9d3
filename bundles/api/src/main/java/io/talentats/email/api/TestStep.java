package io.talentats.email.api;

/** The steps of a connection test, in the order they run. */
public enum TestStep {
    /** Connect, secure and log in to the SMTP server, and have the sender address accepted. */
    SMTP,
    /** Connect, secure and log in to the IMAP server, and open the inbox read-only. */
    IMAP,
    /** Send a test message to the account's own address. */
    ROUND_TRIP_SEND,
    /** See the test message arrive in the inbox. */
    ROUND_TRIP_RECEIVE
}
