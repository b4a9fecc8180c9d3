package io.talentats.email.replies.internal;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.event.ConnectionEvent;
import jakarta.mail.event.MessageCountAdapter;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.ListInfo;

/**
 * An IMAP store whose folders tell their watcher directly, on the thread that learns it, that new mail arrived or
 * that a connection closed. Jakarta Mail's listeners go through an event queue whose dispatch loop holds a thread
 * for as long as the store is open: one per watched mailbox, or, shared, one queue that any finalizer or close may
 * terminate while events wait in it. The signals here only hand work to the mailbox's serial executor, so calling
 * them where the connection code is (the IDLE selector, under the folder's lock) is safe.
 */
final class WatchedStore extends IMAPStore {

    /** What the watcher hears. Implementations must not block nor call back into the store or its folders. */
    interface Signals {
        void newMail(String folder);

        void closed(String what);
    }

    private final Signals signals;

    WatchedStore(Session session, Signals signals) {
        super(session, new URLName("imap", null, -1, null, null, null));
        this.signals = signals;
    }

    @Override
    protected IMAPFolder newIMAPFolder(String fullName, char separator, Boolean isNamespace) {
        return new Watched(fullName, separator, this, isNamespace);
    }

    @Override
    protected IMAPFolder newIMAPFolder(ListInfo li) {
        return new Watched(li, this);
    }

    @Override
    protected void notifyConnectionListeners(int type) {
        super.notifyConnectionListeners(type);
        if (type == ConnectionEvent.CLOSED) {
            signals.closed("the server closed the connection");
        }
    }

    /** A folder of this store. */
    private final class Watched extends IMAPFolder {

        Watched(String fullName, char separator, IMAPStore store, Boolean isNamespace) {
            super(fullName, separator, store, isNamespace);
            countNewMail();
        }

        Watched(ListInfo li, IMAPStore store) {
            super(li, store);
            countNewMail();
        }

        /** IMAPFolder tells of new mail only while a message-count listener is registered; this one is never queued. */
        private void countNewMail() {
            addMessageCountListener(new MessageCountAdapter() { });
        }

        @Override
        protected void notifyMessageAddedListeners(Message[] msgs) {
            // Not super: that would start the event queue and its thread.
            signals.newMail(getFullName());
        }

        @Override
        protected void notifyConnectionListeners(int type) {
            super.notifyConnectionListeners(type);
            if (type == ConnectionEvent.CLOSED) {
                signals.closed("the server closed the connection to " + getFullName());
            }
        }
    }
}
