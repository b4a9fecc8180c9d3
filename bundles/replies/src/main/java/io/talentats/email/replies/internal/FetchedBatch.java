package io.talentats.email.replies.internal;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.talentats.email.replies.internal.ReplyCorrelator.Decision;

/** A batch as read from the server: headers, decisions, and the replies' raw bytes (by UID). */
record FetchedBatch(String folder, long uidValidity, long maxUid, List<Envelope> envelopes,
        Map<Long, Decision> decisions, Map<Long, byte[]> raw, Map<Long, Instant> received, Map<Long, Integer> sizes) {}
