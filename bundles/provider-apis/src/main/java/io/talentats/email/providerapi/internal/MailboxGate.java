package io.talentats.email.providerapi.internal;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * One mailbox's door to a provider API: at most {@code concurrent} requests at once (Graph allows 4 per mailbox),
 * and none before the time the API last asked to wait until ({@code Retry-After}).
 */
final class MailboxGate {

    private final Semaphore permits;
    /** {@link System#nanoTime()} before which no request goes; 0: none asked. */
    private volatile long notBefore;

    MailboxGate(int concurrent) {
        this.permits = new Semaphore(concurrent, true);
    }

    /** Waits for a free slot and for the API's requested pause to end. */
    void enter() throws InterruptedException {
        permits.acquire();
        try {
            long wait;
            while ((wait = notBefore - System.nanoTime()) > 0 && notBefore != 0) {
                LockSupport.parkNanos(this, wait);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
        } catch (InterruptedException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    void leave() {
        permits.release();
    }

    /** The API asked to wait {@code pause}: no request to this mailbox before it ends. */
    void pause(Duration pause) {
        long until = System.nanoTime() + pause.toNanos();
        synchronized (this) {
            if (notBefore == 0 || until - notBefore > 0) {
                notBefore = until;
            }
        }
    }

    /** How long requests must still wait; zero when they may go. */
    Duration waiting() {
        long wait = notBefore == 0 ? 0 : notBefore - System.nanoTime();
        return wait > 0 ? Duration.ofNanos(wait) : Duration.ZERO;
    }
}
