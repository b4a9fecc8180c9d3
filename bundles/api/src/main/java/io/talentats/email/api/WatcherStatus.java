package io.talentats.email.api;

import java.time.Instant;

/**
 * How the reply collector is watching one account's mailbox.
 *
 * @param userId the recruiter
 * @param mode how new mail is noticed
 * @param lastCheckAt when the mailbox was last read, or {@code null}
 * @param lastReplyAt when the last candidate reply was collected, or {@code null}
 * @param repliesCollected replies collected since the watcher started
 * @param lastError the last problem, or {@code null}
 */
public record WatcherStatus(
        String userId, Mode mode, Instant lastCheckAt, Instant lastReplyAt, long repliesCollected, String lastError) {

    /** How new mail is noticed. */
    public enum Mode {
        /** Connecting or synchronising. */
        STARTING,
        /** IMAP IDLE: the server tells us at once. */
        IDLE,
        /** The server has no IDLE: the mailbox is read at the configured interval. */
        POLL,
        /** The last attempt failed; waiting before the next. */
        BACKING_OFF,
        /** Not watched (account disabled or connectivity off). */
        STOPPED
    }
}
