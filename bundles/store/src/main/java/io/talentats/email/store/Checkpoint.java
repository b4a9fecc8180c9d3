package io.talentats.email.store;

import java.time.Instant;

/**
 * Where a watched folder has been read up to: its UIDVALIDITY and the last UID processed.
 *
 * @param userId the recruiter
 * @param folder the folder's full name
 * @param uidValidity the folder's UIDVALIDITY when it was read
 * @param lastUid the last UID read
 * @param readAt when the checkpoint was last moved; {@code null} in one about to be saved
 * @param cursor for a mailbox read through a provider's API, where the API's next read starts (a delta link, a
 *     history id); {@code null} for an IMAP folder
 */
public record Checkpoint(String userId, String folder, long uidValidity, long lastUid, Instant readAt,
        String cursor) {

    /** An IMAP folder's checkpoint as read. */
    public Checkpoint(String userId, String folder, long uidValidity, long lastUid, Instant readAt) {
        this(userId, folder, uidValidity, lastUid, readAt, null);
    }

    /** An IMAP folder's checkpoint to save now. */
    public Checkpoint(String userId, String folder, long uidValidity, long lastUid) {
        this(userId, folder, uidValidity, lastUid, null, null);
    }

    /** An API mailbox's checkpoint to save now. */
    public static Checkpoint cursor(String userId, String folder, String cursor) {
        return new Checkpoint(userId, folder, 0, 0, null, cursor);
    }
}
