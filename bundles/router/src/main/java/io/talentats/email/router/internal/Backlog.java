package io.talentats.email.router.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageContent;
import io.talentats.email.store.StoredOutbound;

/**
 * The messages handed to lanes and not processed yet, bounded by count and by size (bodies and attachments): while
 * it has room, new messages go to their lane from memory; beyond it they wait in the database and the dispatcher
 * takes them in turn. It also knows which messages are waiting, so that one whose lease ran out before its turn
 * came (and which the dispatcher therefore claimed again) is not handed over twice.
 */
final class Backlog {

    /** Most messages waiting in lanes, and most bytes they may hold. */
    static final int MAX_MESSAGES = 50_000;
    static final long MAX_BYTES = 64L << 20;

    private final int maxMessages;
    private final long maxBytes;
    private final AtomicInteger messages = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    /** Jobs waiting or being processed, by message id (a rerouted message briefly has two). */
    private final Map<String, Integer> waiting = new ConcurrentHashMap<>();
    /** Messages claimed again while waiting or being processed; changed only inside {@link #waiting}'s updates. */
    private final java.util.Set<String> reclaimed = ConcurrentHashMap.newKeySet();

    Backlog() {
        this(MAX_MESSAGES, MAX_BYTES);
    }

    Backlog(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    boolean hasRoom() {
        return messages.get() < maxMessages && bytes.get() < maxBytes;
    }

    int size() {
        return messages.get();
    }

    /**
     * Counts in a message claimed from the store; {@code false} if it is already waiting in a lane or being
     * processed, and then remembered as claimed again (see {@link #remove}).
     */
    boolean addClaimed(StoredOutbound m) {
        boolean[] added = {false};
        waiting.compute(m.id(), (id, n) -> {
            if (n == null) {
                added[0] = true;
                return 1;
            }
            reclaimed.add(id);
            return n;
        });
        if (added[0]) {
            messages.incrementAndGet();
            bytes.addAndGet(size(m));
        }
        return added[0];
    }

    /** Counts in another job for a message (one rerouted from the lane that holds it). */
    void add(StoredOutbound m) {
        messages.incrementAndGet();
        bytes.addAndGet(size(m));
        waiting.merge(m.id(), 1, Integer::sum);
    }

    /**
     * A job for the message was processed.
     *
     * @return whether it was its last job and the message was claimed again meanwhile: that claim was not acted on
     *     and must be given back (the message may have been made due again while its job ran, say released from
     *     HELD)
     */
    boolean remove(StoredOutbound m) {
        messages.decrementAndGet();
        bytes.addAndGet(-size(m));
        boolean[] claimedAgain = {false};
        waiting.computeIfPresent(m.id(), (id, n) -> {
            if (n > 1) {
                return n - 1;
            }
            claimedAgain[0] = reclaimed.remove(id);
            return null;
        });
        return claimedAgain[0];
    }

    /** The memory a waiting message holds, roughly: its text (two bytes a character) and attachments. */
    static long size(StoredOutbound m) {
        long total = 1024;
        MessageContent c = m.content();
        total += 2L * ((c.textBody() == null ? 0 : c.textBody().length())
                + (c.htmlBody() == null ? 0 : c.htmlBody().length()));
        for (Attachment a : c.attachments()) {
            total += a.content() == null ? 0 : a.content().length;
        }
        return total;
    }
}
