package io.talentats.email.store.internal;

/**
 * The widths of the text columns we cut values to, as the migrations in {@code db/migration} declare them. A value
 * longer than its column is cut here (with an ellipsis) rather than refused by the database. {@code ColumnsTest}
 * reads the migrated schema and fails when a migration and this class disagree.
 */
final class Columns {

    private Columns() {}

    // email_message
    static final int SENDER_NAME = 200;
    static final int SENDER_ADDRESS = 320;
    static final int TO_ADDRESSES = 4000;
    static final int CC_ADDRESSES = 4000;
    static final int SUBJECT = 2000;
    static final int CANDIDATE_ID = 128;
    static final int APPLICATION_ID = 128;
    static final int THREAD_ID = 128;
    static final int IDEMPOTENCY_KEY = 200;
    static final int INTERNET_MESSAGE_ID = 998;
    static final int IN_REPLY_TO_HEADER = 998;
    static final int REFERENCES_HEADER = 4000;
    static final int PRIMARY_RECIPIENT = 320;
    /** Bodies: VARCHAR of this many characters on H2 (its limit is 1,048,576), TEXT on PostgreSQL. */
    static final int TEXT = 1_000_000;

    // email_delivery
    static final int ROUTE_REASON = 500;
    static final int FROM_HEADER = 1000;
    static final int REPLY_TO_HEADER = 1000;
    static final int LAST_SERVER_REPLY = 1000;
    static final int FAILURE_REASON = 2000;
    static final int SENT_COPY_DETAIL = 1000;

    // email_attachment, email_message_event
    static final int FILE_NAME = 500;
    static final int CONTENT_TYPE = 200;
    static final int EVENT_DETAIL = 2000;

    // email_account_state
    static final int VERIFIED_SUMMARY = 1000;
    static final int HEALTH_REASON = 2000;

    // email_passed_test
    static final int PASSED_TEST_FINGERPRINT = 1000;

    // email_suppression
    static final int SUPPRESSED_ADDRESS = 320;
    static final int STATUS_CODE = 16;
    static final int SUPPRESSION_REASON = 2000;

    // email_oauth_flow
    static final int OAUTH_STARTED_BY = 256;

    /** {@code s} cut to {@code max} characters, the last one an ellipsis when cut. */
    static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
