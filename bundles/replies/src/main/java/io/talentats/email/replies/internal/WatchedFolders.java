package io.talentats.email.replies.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.MailboxInfo;

/**
 * The folders one connection of a mailbox watches, opened read only, and whether the server offers IDLE. Opened so
 * that the mailbox holds one connection per folder and no other: the capability is asked and every folder looked
 * up while the login's connection is free, before the first folder opened takes it (a question to the store after
 * that would open a connection of its own, kept until the store closes).
 */
record WatchedFolders(List<IMAPFolder> list, boolean idleOffered) {

    /** No connection. */
    static final WatchedFolders NONE = new WatchedFolders(List.of(), false);

    /** Special-use folders never read: what the recruiter sent, drafted or threw away, and Gmail's All Mail. */
    private static final List<String> NEVER_READ = List.of("\\Sent", "\\Drafts", "\\Trash", "\\Junk", "\\All");

    /** Opens the configured folders that exist and are not special-use ones, in the mail bundle's class loader. */
    static WatchedFolders open(Store store, List<String> names) throws MessagingException {
        boolean idle = store instanceof IMAPStore s && s.hasCapability("IDLE");
        List<IMAPFolder> found = new ArrayList<>();
        for (String name : names) {
            IMAPFolder f = (IMAPFolder) store.getFolder(name);
            if (f.exists() && !neverRead(f)) {
                found.add(f);
            }
        }
        List<IMAPFolder> opened = new ArrayList<>();
        try {
            for (IMAPFolder f : found) {
                f.open(Folder.READ_ONLY);
                opened.add(f);
            }
        } catch (MessagingException | RuntimeException e) {
            new WatchedFolders(opened, idle).close(true);
            throw e;
        }
        return new WatchedFolders(List.copyOf(opened), idle);
    }

    private static boolean neverRead(IMAPFolder f) throws MessagingException {
        return Arrays.stream(f.getAttributes()).anyMatch(a -> NEVER_READ.stream().anyMatch(a::equalsIgnoreCase));
    }

    /**
     * Looks at the folder on its own connection (ends IDLE; the caller resumes it): NOOP, then EXAMINE again. The
     * answer carries the UIDVALIDITY and the message count: either differing from what the connection knows means
     * the folder must be read afresh (a renumbering without the session ending, or mail expunged or added in the
     * instant between IDLE and the look). A peer that vanished answers nothing, and the read timeout ends the wait.
     *
     * @return why the folder must be read afresh, or {@code null} when it is as the connection knows it
     */
    static String changed(IMAPFolder f) throws MessagingException {
        int told = f.getMessageCount();
        MailboxInfo now = (MailboxInfo) f.doCommand(p -> p.examine(f.getFullName()));
        if (now.uidvalidity != f.getUIDValidity()) {
            return "the server renumbered " + f.getFullName() + " (UIDVALIDITY changed)";
        }
        if (now.total != told) {
            return f.getFullName() + " changed while the connection looked (" + told + " messages, now " + now.total
                    + ")";
        }
        return null;
    }

    /**
     * Closes every folder. {@code lost}: the connection is broken or silent, so nothing is sent to the server (a
     * LOGOUT to a silent peer would wait the whole read timeout).
     */
    void close(boolean lost) {
        for (IMAPFolder f : list) {
            try {
                if (lost) {
                    f.forceClose();
                } else if (f.isOpen()) {
                    f.close(false);
                }
            } catch (MessagingException | RuntimeException ignored) {
                // closing
            }
        }
    }
}
