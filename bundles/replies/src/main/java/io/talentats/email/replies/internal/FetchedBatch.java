package io.talentats.email.replies.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.talentats.email.replies.internal.ReplyCorrelator.Decision;

/**
 * A batch as read from the server: headers, decisions, and the replies' raw bytes (by UID, or for a mailbox read
 * through an API by the message's place in the batch).
 *
 * @param cursor for a mailbox read through an API, the checkpoint's cursor once the batch is recorded; else
 *     {@code null}
 * @param apiIds for a mailbox read through an API, the API's id of each message (what makes one without a
 *     Message-ID recorded once); else {@code null}
 */
record FetchedBatch(String folder, long uidValidity, long maxUid, List<Envelope> envelopes,
        Map<Long, Decision> decisions, Map<Long, byte[]> raw, Map<Long, Instant> received, Map<Long, Integer> sizes,
        String cursor, Map<Long, String> apiIds) {

    /** A batch read from an IMAP folder. */
    FetchedBatch(String folder, long uidValidity, long maxUid, List<Envelope> envelopes,
            Map<Long, Decision> decisions, Map<Long, byte[]> raw, Map<Long, Instant> received,
            Map<Long, Integer> sizes) {
        this(folder, uidValidity, maxUid, envelopes, decisions, raw, received, sizes, null, null);
    }
}
