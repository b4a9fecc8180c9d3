package io.talentats.email.router.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.Properties;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.MessageStore;
import io.talentats.email.store.StoredOutbound;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a copy of each message sent through a recruiter's own SMTP server to their Sent folder over IMAP: the
 * folder marked {@code \Sent} (RFC 6154), else one of the usual names, else a new "Sent". One connection serves all
 * copies waiting for the same mailbox. A failure here never fails the send; it is recorded with the message.
 */
final class SentFolderAppender {

    private static final Logger LOG = LoggerFactory.getLogger(SentFolderAppender.class);
    static final List<String> USUAL_NAMES = List.of("Sent", "Sent Items", "Sent Messages", "Sent Mail",
            "[Gmail]/Sent Mail", "INBOX.Sent", "INBOX/Sent");

    record Copy(String messageId, byte[] raw) {}

    private final MailSessions sessions;
    private final MessageStore store;
    private final MailAccess access;
    private final ExecutorService executor;
    private final Map<String, Deque<Copy>> waiting = new ConcurrentHashMap<>();
    private final Map<String, String> sentFolderByUser = new ConcurrentHashMap<>();

    SentFolderAppender(MailSessions sessions, MessageStore store, MailAccess access, ExecutorService executor) {
        this.sessions = sessions;
        this.store = store;
        this.access = access;
        this.executor = executor;
    }

    /** Appends, in the background, the copies that were still pending when the node stopped. */
    void resumePending() {
        executor.execute(() -> {
            try {
                for (StoredOutbound m : store.pendingSentCopies(1000)) {
                    Optional<MailAccount> a = access.login(m.userId()).account();
                    if (a.isEmpty()) {
                        store.recordSentCopy(m.id(), SentCopy.FAILED, "the account was disconnected");
                        continue;
                    }
                    append(a.get(), new Copy(m.id(), rebuild(m, a.get())));
                }
            } catch (MessagingException | RuntimeException e) {
                LOG.warn("Could not resume pending Sent-folder copies: {}", e.toString());
            }
        });
    }

    /** The message as it was sent (same Message-ID, same headers), from what the outbox stored. */
    private byte[] rebuild(StoredOutbound m, MailAccount account) throws MessagingException {
        return sessions.call(() -> {
            try {
                Session s = sessions.session(new Properties());
                MimeMessage mime = MimeBuilder.build(s, m, new MimeBuilder.Envelope(
                        new InternetAddress(account.emailAddress(), account.displayName(), "UTF-8"), null));
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                mime.writeTo(out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new MessagingException("cannot rebuild the sent message", e);
            }
        });
    }

    void append(MailAccount account, Copy copy) {
        Deque<Copy> queue = waiting.computeIfAbsent(account.userId(), k -> new ArrayDeque<>());
        boolean start;
        synchronized (queue) {
            start = queue.isEmpty();
            queue.add(copy);
        }
        if (start) {
            executor.execute(() -> drain(account, queue));
        }
    }

    private void drain(MailAccount account, Deque<Copy> queue) {
        Store imap = null;
        Folder sent = null;
        try {
            while (true) {
                Copy next;
                synchronized (queue) {
                    next = queue.peek();
                    if (next == null) {
                        return;
                    }
                }
                try {
                    if (imap == null) {
                        // Logged in as the account is now (an OAuth token may have expired since the message went)
                        AccountLogin login = access.login(account.userId());
                        imap = login.openStore(session -> session.getStore("imap"), false);
                        sent = sentFolder(account.userId(), imap);
                    }
                    MimeMessage m = new MimeMessage((Session) null, new ByteArrayInputStream(next.raw()));
                    m.setFlag(Flags.Flag.SEEN, true);
                    sent.appendMessages(new Message[] {m});
                    store.recordSentCopy(next.messageId(), SentCopy.SAVED, "appended to " + sent.getFullName());
                } catch (MessagingException | RuntimeException e) {
                    LOG.warn("Copy of message {} to the Sent folder of user {} failed: {}", next.messageId(),
                            account.userId(), e.toString());
                    store.recordSentCopy(next.messageId(), SentCopy.FAILED, String.valueOf(e.getMessage()));
                    close(imap);
                    imap = null;
                }
                synchronized (queue) {
                    queue.poll();
                }
            }
        } finally {
            close(imap);
        }
    }

    private Folder sentFolder(String userId, Store imap) throws MessagingException {
        String known = sentFolderByUser.get(userId);
        if (known != null) {
            Folder f = imap.getFolder(known);
            if (f.exists()) {
                return f;
            }
        }
        Folder chosen = null;
        Folder[] all = imap.getDefaultFolder().list("*");
        for (Folder f : all) {
            if (f instanceof IMAPFolder imf) {
                for (String attr : imf.getAttributes()) {
                    if ("\\Sent".equalsIgnoreCase(attr)) {
                        chosen = f;
                    }
                }
            }
        }
        if (chosen == null) {
            for (String name : USUAL_NAMES) {
                for (Folder f : all) {
                    if (f.getFullName().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                        chosen = f;
                        break;
                    }
                }
                if (chosen != null) {
                    break;
                }
            }
        }
        if (chosen == null) {
            chosen = imap.getFolder("Sent");
            if (!chosen.exists()) {
                chosen.create(Folder.HOLDS_MESSAGES);
                LOG.info("Created the Sent folder in the mailbox of user {}", userId);
            }
        }
        sentFolderByUser.put(userId, chosen.getFullName());
        return chosen;
    }

    private static void close(Store imap) {
        if (imap != null) {
            try {
                imap.close();
            } catch (MessagingException ignored) {
                // closing
            }
        }
    }
}
