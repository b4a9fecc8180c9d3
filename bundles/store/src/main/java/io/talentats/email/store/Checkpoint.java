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
 */
public record Checkpoint(String userId, String folder, long uidValidity, long lastUid, Instant readAt) {

    /** A checkpoint to save now. */
    public Checkpoint(String userId, String folder, long uidValidity, long lastUid) {
        this(userId, folder, uidValidity, lastUid, null);
    }
}
