package io.talentats.email.replies.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore;

/**
 * Decides, for a batch of mailbox messages, which are candidates' replies and which of our messages each answers.
 * In order: In-Reply-To, then References (latest first), naming one of our Message-IDs; our token surviving in them,
 * in a sub-addressed recipient or in the subject; last, the sender being the candidate of exactly one recent thread.
 * A sender of several recent threads goes to triage; anything else is the recruiter's own mail and is left alone.
 * All lookups are made for the whole batch at once.
 */
final class ReplyCorrelator {

    /** What to do with one message. */
    enum Kind {
        REPLY,
        TRIAGE,
        IGNORE
    }

    /**
     * @param kind what it is
     * @param answers the outbound message it answers (for {@code REPLY})
     * @param how how it was tied, in words
     */
    record Decision(Kind kind, OutboundRef answers, String how) {
        static final Decision IGNORE = new Decision(Kind.IGNORE, null, null);
    }

    private final ReplyStore store;
    private final Duration recentThread;

    ReplyCorrelator(ReplyStore store, Duration recentThread) {
        this.store = store;
        this.recentThread = recentThread;
    }

    Map<Long, Decision> decide(String userId, String ownAddress, List<Envelope> batch, Instant now) {
        Set<String> ids = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (Envelope e : batch) {
            if (e.from() == null || e.from().equalsIgnoreCase(ownAddress)) {
                continue; // the recruiter's own mail, copies of our messages included: never a reply
            }
            ids.addAll(e.inReplyTo());
            ids.addAll(e.references());
            tokens.addAll(e.tokens());
        }
        Map<String, OutboundRef> byMessageId = new HashMap<>();
        for (OutboundRef r : store.outboundByMessageIds(userId, ids)) {
            byMessageId.put(r.internetMessageId(), r);
        }
        Map<String, OutboundRef> byToken = new HashMap<>();
        if (!tokens.isEmpty()) {
            for (OutboundRef r : store.outboundByTokens(userId, tokens)) {
                byToken.put(tokenOf(r.internetMessageId()), r);
            }
        }

        Map<Long, Decision> out = new LinkedHashMap<>();
        List<Envelope> unmatched = new ArrayList<>();
        for (Envelope e : batch) {
            if (e.from() == null || e.from().equalsIgnoreCase(ownAddress)) {
                out.put(e.uid(), Decision.IGNORE);
                continue;
            }
            Decision d = byHeaders(e, byMessageId, byToken);
            if (d != null) {
                out.put(e.uid(), d);
            } else {
                unmatched.add(e);
            }
        }
        if (!unmatched.isEmpty() && !recentThread.isZero()) {
            List<String> senders = unmatched.stream().map(Envelope::from).distinct().toList();
            Map<String, Map<String, OutboundRef>> threadsBySender = new HashMap<>();
            for (OutboundRef r : store.outboundTo(userId, senders, now.minus(recentThread))) {
                threadsBySender.computeIfAbsent(r.primaryRecipient(), k -> new LinkedHashMap<>())
                        .putIfAbsent(r.threadId() != null ? r.threadId() : r.id(), r);
            }
            for (Envelope e : unmatched) {
                Map<String, OutboundRef> threads = threadsBySender.getOrDefault(e.from(), Map.of());
                if (threads.size() == 1) {
                    out.put(e.uid(), new Decision(Kind.REPLY, threads.values().iterator().next(),
                            "from the candidate of a recent thread (no threading header matched)"));
                } else if (threads.size() > 1) {
                    out.put(e.uid(), new Decision(Kind.TRIAGE, null, "from the candidate of " + threads.size()
                            + " recent threads (" + String.join(", ", threads.keySet()) + "): assign it to one"));
                } else {
                    out.put(e.uid(), Decision.IGNORE);
                }
            }
        }
        for (Envelope e : unmatched) {
            out.putIfAbsent(e.uid(), Decision.IGNORE);
        }
        return out;
    }

    private static Decision byHeaders(Envelope e, Map<String, OutboundRef> byMessageId, Map<String, OutboundRef> byToken) {
        for (String id : e.inReplyTo()) {
            OutboundRef r = byMessageId.get(id);
            if (r != null) {
                return new Decision(Kind.REPLY, r, "In-Reply-To names our message");
            }
        }
        List<String> refs = e.references();
        for (int i = refs.size() - 1; i >= 0; i--) {
            OutboundRef r = byMessageId.get(refs.get(i));
            if (r != null) {
                return new Decision(Kind.REPLY, r, "References names our message");
            }
        }
        for (String token : e.tokens()) {
            OutboundRef r = byToken.get(token);
            if (r != null) {
                return new Decision(Kind.REPLY, r, "carries our reply token");
            }
        }
        return null;
    }

    /** The token in our Message-ID {@code <TOKEN.t@domain>}. */
    static String tokenOf(String messageId) {
        if (messageId == null) {
            return null;
        }
        int dot = messageId.indexOf(".t@");
        return dot > 1 ? messageId.substring(1, dot).toLowerCase(java.util.Locale.ROOT) : null;
    }
}
