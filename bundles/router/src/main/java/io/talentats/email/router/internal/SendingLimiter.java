package io.talentats.email.router.internal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.talentats.email.api.SendingLimit;

/**
 * Keeps one sender under its provider's limits (e.g. 30 per minute and 300 per day) by handing out send times:
 * {@link #reserve(Instant)} returns the earliest moment the next message may go, which is now or later. What has to
 * wait stays in the outbox until then instead of failing.
 */
final class SendingLimiter {

    private final List<SendingLimit> limits;
    private final long longestMillis;
    /** Reserved send times, ascending (some may lie in the future). */
    private final Deque<Long> reserved = new ArrayDeque<>();

    SendingLimiter(List<SendingLimit> limits, List<Instant> alreadySent) {
        this.limits = List.copyOf(limits);
        this.longestMillis = limits.stream().mapToLong(l -> l.period().toMillis()).max().orElse(0);
        alreadySent.forEach(t -> reserved.addLast(t.toEpochMilli()));
    }

    boolean limited() {
        return !limits.isEmpty();
    }

    List<SendingLimit> limits() {
        return limits;
    }

    synchronized Instant reserve(Instant now) {
        if (limits.isEmpty()) {
            return now;
        }
        long t = now.toEpochMilli();
        while (!reserved.isEmpty() && reserved.peekFirst() <= t - longestMillis) {
            reserved.pollFirst();
        }
        List<Long> times = new ArrayList<>(reserved);
        long slot = t;
        for (SendingLimit l : limits) {
            int n = l.messages();
            if (times.size() >= n) {
                // The n-th most recent send must have left the window before the next one may go.
                slot = Math.max(slot, times.get(times.size() - n) + l.period().toMillis());
            }
        }
        reserved.addLast(slot);
        return Instant.ofEpochMilli(slot);
    }

    /**
     * The message sent in {@code slot} was accepted by the server at {@code at}: the limit counts it from then, as
     * the provider does, so a slow send (a new connection, a TLS handshake) cannot bring the next ones closer to it
     * than the window allows.
     */
    synchronized void accepted(Instant slot, Instant at) {
        long t = at.toEpochMilli();
        if (t <= slot.toEpochMilli() || !reserved.removeLastOccurrence(slot.toEpochMilli())) {
            return;
        }
        List<Long> times = new ArrayList<>(reserved);
        int i = times.size();
        while (i > 0 && times.get(i - 1) > t) {
            i--;
        }
        times.add(i, t);
        reserved.clear();
        reserved.addAll(times);
    }

    /** Gives back a reserved time that will not be used (the message waits in the outbox instead). */
    synchronized void cancel(Instant slot) {
        reserved.removeLastOccurrence(slot.toEpochMilli());
    }
}
