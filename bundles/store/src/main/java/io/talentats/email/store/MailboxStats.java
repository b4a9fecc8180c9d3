package io.talentats.email.store;

import java.time.Instant;

/**
 * What the collector has recorded from one recruiter's mailbox, over all its folders and every restart.
 *
 * @param repliesRecorded candidate replies recorded
 * @param lastReplyAt when the last one was recorded, or {@code null}
 */
public record MailboxStats(long repliesRecorded, Instant lastReplyAt) {

    public static final MailboxStats NONE = new MailboxStats(0, null);
}
