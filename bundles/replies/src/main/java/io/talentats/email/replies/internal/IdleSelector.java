package io.talentats.email.replies.internal;

import java.io.IOException;
import java.util.concurrent.Executor;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;

import org.eclipse.angus.mail.imap.IdleManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's one IDLE selector (Angus's {@link IdleManager}), made again when its select loop has died. The loop
 * ends for good on an error of its own (a selector that cannot be served: "Too many open files"), and every watch
 * after that fails with "IdleManager is not running": without a new one, every mailbox would reconnect forever.
 * The failing watch still fails (its mailbox reconnects as after any loss, and is watched by the new selector).
 */
final class IdleSelector {

    private static final Logger LOG = LoggerFactory.getLogger(IdleSelector.class);

    private final Session session;
    private final Executor loops;
    private IdleManager current;
    private boolean stopped;

    IdleSelector(Session session, Executor loops) throws IOException {
        this.session = session;
        this.loops = loops;
        this.current = new IdleManager(session, loops);
    }

    /** Watches the folder's next notification; replaces a dead selector, for the next watch, before failing. */
    void watch(Folder folder) throws MessagingException {
        IdleManager m;
        synchronized (this) {
            m = current;
        }
        try {
            m.watch(folder);
        } catch (MessagingException e) {
            replaceIfDead(m);
            throw e;
        }
    }

    private synchronized void replaceIfDead(IdleManager failed) {
        // (A selector whose loop has not started yet is not running either: replacing it then costs a selector,
        // nothing more, since the one replaced is stopped and its loop ends as soon as it starts.)
        if (stopped || failed != current || failed.isRunning()) {
            return;
        }
        try {
            failed.stop();
            current = new IdleManager(session, loops);
            LOG.warn("The IDLE selector had stopped; a new one watches the mailboxes as they reconnect");
        } catch (IOException e) {
            LOG.warn("The IDLE selector had stopped and cannot be made again yet: {}", e.toString());
        }
    }

    /** Stops the selector for good. */
    synchronized void stop() {
        stopped = true;
        current.stop();
    }

    /** Stops the present selector's loop as an error of its own would (for tests). */
    synchronized void kill() {
        current.stop();
    }

    /** Whether a selector loop is running now. */
    synchronized boolean running() {
        return current.isRunning();
    }
}
