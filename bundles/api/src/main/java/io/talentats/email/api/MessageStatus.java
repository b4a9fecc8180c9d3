package io.talentats.email.api;

/**
 * Where a message stands. Outbound messages move QUEUED → SENDING → SENT or FAILED, and a sent one to BOUNCED or
 * DELAYED when the recipient's server reports so; inbound ones are RECEIVED.
 */
public enum MessageStatus {
    /** In the outbox, waiting for a worker (or for the account's sending limit). */
    QUEUED,
    /** A worker is handing it to the SMTP server. */
    SENDING,
    /** A transient failure; it will be tried again at the scheduled time. */
    RETRYING,
    /** Waiting for email connectivity to be switched on again. */
    HELD,
    /** The SMTP server accepted it. */
    SENT,
    /** It will not be delivered; the record says why. */
    FAILED,
    /** A candidate's reply, collected over IMAP and tied to its thread. */
    RECEIVED,
    /** A message that may be a reply but matched more than one thread; left for a person to assign. */
    TRIAGE,
    /** A message that could not be read (malformed MIME, too large); kept aside with the reason. */
    QUARANTINED,
    /** A triage item a person decided is no reply to any of our messages. */
    DISMISSED,
    /**
     * Sent, but the recipient's server reported that it cannot be delivered (a hard bounce, RFC 3463 5.x.x); the
     * record says the status code, the failed recipient and the server's words.
     */
    BOUNCED,
    /** Sent, and the recipient's server reported that delivery is delayed (4.x.x); it keeps trying. */
    DELAYED;

    /** Whether the outbox still owns the message. */
    public boolean pending() {
        return this == QUEUED || this == SENDING || this == RETRYING || this == HELD;
    }
}
