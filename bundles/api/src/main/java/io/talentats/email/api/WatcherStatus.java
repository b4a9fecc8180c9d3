package io.talentats.email.api;

import java.time.Instant;

/**
 * How the reply collector is watching one account's mailbox, as it is now: {@link Mode#IDLE} only while a live
 * connection is idling.
 *
 * @param userId the recruiter
 * @param mode what the watcher is doing
 * @param since when it started doing it
 * @param attempt failed attempts in a row to connect (0 while connected)
 * @param lastCheckAt when the mailbox was last read or found alive, or {@code null}
 * @param lastReplyAt when the last candidate reply was recorded (kept in the store: survives restarts), or {@code null}
 * @param repliesCollected replies recorded from this mailbox (kept in the store)
 * @param lastError the last problem, in words, or {@code null}
 * @param node the node watching the mailbox (this one, or another of the cluster), or {@code null} when none
 * @param leaseUntil until when that node holds the mailbox's watch lease unless it renews it, or {@code null}
 */
public record WatcherStatus(String userId, Mode mode, Instant since, int attempt, Instant lastCheckAt,
        Instant lastReplyAt, long repliesCollected, String lastError, String node, Instant leaseUntil) {

    /** A status without the cluster's view (the shape of version 1.2 of this package). */
    public WatcherStatus(String userId, Mode mode, Instant since, int attempt, Instant lastCheckAt,
            Instant lastReplyAt, long repliesCollected, String lastError) {
        this(userId, mode, since, attempt, lastCheckAt, lastReplyAt, repliesCollected, lastError, null, null);
    }

    /** The same status, watched by {@code watchedBy} under a lease until {@code until}. */
    public WatcherStatus on(String watchedBy, Instant until) {
        return new WatcherStatus(userId, mode, since, attempt, lastCheckAt, lastReplyAt, repliesCollected, lastError,
                watchedBy, until);
    }

    /** What a watcher is doing. */
    public enum Mode {
        /** Connecting and reading what is new, the first time. */
        CONNECTING,
        /** IMAP IDLE on a live connection: the server tells us at once. */
        IDLE,
        /** The server has no IDLE (or it is off): the mailbox is read at the configured interval. */
        POLL,
        /** The connection was lost: connecting again. */
        RECONNECTING,
        /** The last attempt failed; waiting before the next one ({@code attempt} says how many failed). */
        BACKING_OFF,
        /** The server refuses the login: the recruiter must update it; tried again after a long wait. */
        AUTH_FAILING,
        /** Not watched (account disabled, connectivity off, or the collector stopping). */
        STOPPED,
        /** Watched by another node of the cluster ({@code node} says which): that node holds its watch lease. */
        ELSEWHERE
    }
}
