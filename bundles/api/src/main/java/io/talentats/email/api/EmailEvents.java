package io.talentats.email.api;

/**
 * EventAdmin topics we post and the properties they carry. Events carry ids only: never a password, a message body
 * or an address list.
 */
public final class EmailEvents {

    private EmailEvents() {}

    /** Prefix of every topic; subscribe to {@code io/talentats/email/*} for all of them. */
    public static final String TOPIC_PREFIX = "io/talentats/email/";

    /** A user's settings were saved (created or changed). */
    public static final String ACCOUNT_SAVED = TOPIC_PREFIX + "account/SAVED";
    /** A user's settings and secret were removed. */
    public static final String ACCOUNT_DISCONNECTED = TOPIC_PREFIX + "account/DISCONNECTED";
    /** A stored account was tested; carries {@link #PASSED}. */
    public static final String ACCOUNT_VERIFIED = TOPIC_PREFIX + "account/VERIFIED";
    /** An account's health changed; carries {@link #HEALTH} and {@link #REASON}. */
    public static final String ACCOUNT_HEALTH = TOPIC_PREFIX + "account/HEALTH";
    /** The encryption key was rotated; carries {@link #COUNT}, the number of secrets re-encrypted. */
    public static final String KEY_ROTATED = TOPIC_PREFIX + "key/ROTATED";

    /** Email connectivity was switched on or off; carries {@link #ENABLED}. */
    public static final String CONNECTIVITY_CHANGED = TOPIC_PREFIX + "connectivity/CHANGED";

    /** A message entered the outbox. */
    public static final String MESSAGE_QUEUED = TOPIC_PREFIX + "message/QUEUED";
    /** A message was accepted by the SMTP server. */
    public static final String MESSAGE_SENT = TOPIC_PREFIX + "message/SENT";
    /** A message could not be delivered and will not be retried. */
    public static final String MESSAGE_FAILED = TOPIC_PREFIX + "message/FAILED";

    /**
     * A sent message bounced: the recipient's server reported it undeliverable; carries {@link #STATUS_CODE} and
     * {@link #REASON}.
     */
    public static final String MESSAGE_BOUNCED = TOPIC_PREFIX + "message/BOUNCED";

    /** The recipient's server reported a sent message's delivery delayed; carries {@link #STATUS_CODE}. */
    public static final String MESSAGE_DELAYED = TOPIC_PREFIX + "message/DELAYED";

    /** An automatic answer (out of office, auto-responder) to one of our messages was recorded in its thread. */
    public static final String REPLY_AUTOMATIC = TOPIC_PREFIX + "reply/AUTOMATIC";

    /** A candidate's reply was collected and recorded. */
    public static final String REPLY_RECEIVED = TOPIC_PREFIX + "reply/RECEIVED";

    /** The ATS user the event is about. */
    public static final String USER_ID = "user.id";
    /** Our message id (the history record's id). */
    public static final String MESSAGE_ID = "message.id";
    /** The ATS thread the message belongs to, when known. */
    public static final String THREAD_ID = "thread.id";
    /** The ATS candidate the message is about, when known. */
    public static final String CANDIDATE_ID = "candidate.id";
    /** The ATS application the message is about, when known. */
    public static final String APPLICATION_ID = "application.id";
    /** For replies: our message id of the message that was answered. */
    public static final String IN_REPLY_TO = "in.reply.to";
    /** Route taken by an outbound message ({@link Route} name). */
    public static final String ROUTE = "route";
    /** {@link AccountHealth.State} name. */
    public static final String HEALTH = "health";
    /** Human-readable reason. */
    public static final String REASON = "reason";
    /** Boolean outcome of a test. */
    public static final String PASSED = "passed";
    /**
     * Boolean on {@link #ACCOUNT_SAVED}: the account as saved signs in with OAuth ({@code false}: with a password,
     * so an earlier OAuth sign-in of the user is of no use any more).
     */
    public static final String OAUTH = "oauth";
    /**
     * String on {@link #ACCOUNT_SAVED}: the way into the mailbox as saved ({@code smtp-imap}, {@code graph},
     * {@code gmail-api}; {@link Account#mailAccess()}).
     */
    public static final String MAIL_ACCESS = "mail.access";
    /** Boolean state of the connectivity switch. */
    public static final String ENABLED = "enabled";
    /** An RFC 3463 delivery status code, e.g. {@code 5.1.1}. */
    public static final String STATUS_CODE = "status.code";

    /** A count. */
    public static final String COUNT = "count";
}
