package io.talentats.email.replies.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.api.WatcherStatus.Mode;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.replies.internal.ReplyCorrelator.Decision;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.InboundMessage;
import io.talentats.email.store.ReplyStore.Recorded;

import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.event.MessageCountAdapter;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watched mailbox: connect, catch up from the checkpoint, then wait for new mail with IDLE (or poll), and start
 * over with backoff when anything breaks. Everything it does runs in sequence on its own {@link SerialExecutor};
 * the connection is read only, with BODY.PEEK, so the recruiter's mail is never marked read, moved or deleted.
 */
final class Mailbox {

    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    /** Messages fetched and recorded per transaction. */
    static final int BATCH = 2500;
    private static final List<String> NEVER_READ = List.of("\\Sent", "\\Drafts", "\\Trash", "\\Junk", "\\All");

    private final String userId;
    private final WatchEngine engine;
    private final SerialExecutor serial;
    private final AtomicBoolean syncQueued = new AtomicBoolean();
    private volatile boolean stopped;

    private Store store;
    private final List<IMAPFolder> folders = new ArrayList<>();
    private MailAccount account;
    private ScheduledFuture<?> timer;
    private int failures;
    private boolean markedUnhealthy;

    private volatile Mode mode = Mode.STARTING;
    private volatile Instant lastCheckAt;
    private volatile Instant lastReplyAt;
    private volatile long repliesCollected;
    private volatile String lastError;

    Mailbox(String userId, WatchEngine engine) {
        this.userId = userId;
        this.engine = engine;
        this.serial = new SerialExecutor(engine.workers());
    }

    String userId() {
        return userId;
    }

    WatcherStatus status() {
        return new WatcherStatus(userId, stopped ? Mode.STOPPED : mode, lastCheckAt, lastReplyAt, repliesCollected,
                lastError);
    }

    void start() {
        serial.execute(this::connectAndSync);
    }

    void stop() {
        stopped = true;
        serial.execute(this::close);
    }

    /** New mail was announced (IDLE) or the poll/refresh timer fired: read what is new. */
    void requestSync() {
        if (!stopped && syncQueued.compareAndSet(false, true)) {
            serial.execute(() -> {
                syncQueued.set(false);
                syncAndWatch();
            });
        }
    }

    private void connectAndSync() {
        if (stopped) {
            return;
        }
        LOG.debug("Connecting to the mailbox of user {}", userId);
        mode = Mode.STARTING;
        try {
            Optional<MailAccount> a = engine.vault().open(userId);
            if (a.isEmpty()) {
                stopped = true;
                return;
            }
            account = a.get();
            Properties props = engine.sessions().properties(Protocol.IMAP, account.imap());
            // IdleManager needs socket channels: no plain socket factory (TLS is still layered by ours).
            props.remove("mail.imap.socketFactory");
            props.put("mail.imap.usesocketchannels", "true");
            props.put("mail.event.scope", "session");
            props.put("mail.event.executor", engine.workers());
            Session session = engine.sessions().session(props);
            engine.sessions().call(() -> {
                store = session.getStore("imap");
                store.connect(account.imap().host(), account.imap().port(), account.username(),
                        account.password().reveal());
                for (String name : engine.folders()) {
                    IMAPFolder f = (IMAPFolder) store.getFolder(name);
                    if (!f.exists() || neverRead(f)) {
                        continue;
                    }
                    f.open(Folder.READ_ONLY);
                    f.addMessageCountListener(new MessageCountAdapter() {
                        @Override
                        public void messagesAdded(MessageCountEvent e) {
                            LOG.debug("New mail in {} of user {}", f.getFullName(), userId);
                            requestSync();
                        }
                    });
                    folders.add(f);
                }
                return null;
            });
            if (markedUnhealthy) {
                markedUnhealthy = false;
                engine.vault().recordHealth(userId, AccountHealth.healthy());
            }
            failures = 0;
            lastError = null;
            syncAndWatch();
        } catch (AuthenticationFailedException e) {
            lastError = "the IMAP server refused the login: " + e.getMessage();
            engine.vault().recordHealth(userId, new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING,
                    lastError, Instant.now()));
            markedUnhealthy = true;
            retryLater(Duration.ofMinutes(engine.config().auth_retry_minutes()));
        } catch (MessagingException | RuntimeException e) {
            failed(e);
        }
    }

    private static boolean neverRead(IMAPFolder f) throws MessagingException {
        return Arrays.stream(f.getAttributes()).anyMatch(a -> NEVER_READ.stream().anyMatch(a::equalsIgnoreCase));
    }

    private void syncAndWatch() {
        if (stopped || store == null) {
            return;
        }
        try {
            for (IMAPFolder f : folders) {
                sync(f);
            }
            lastCheckAt = Instant.now();
            watch();
            LOG.debug("Mailbox of user {} read up to date; watching with {}", userId, mode);
        } catch (MessagingException | RuntimeException e) {
            failed(e);
        }
    }

    private void watch() throws MessagingException {
        cancelTimer();
        CollectorConfig c = engine.config();
        boolean idle = c.idle() && store instanceof IMAPStore s && s.hasCapability("IDLE");
        if (idle) {
            for (IMAPFolder f : folders) {
                engine.sessions().call(() -> {
                    engine.idleManager().watch(f);
                    return null;
                });
            }
            mode = Mode.IDLE;
            timer = engine.scheduler().schedule(this::requestSync, c.refresh_minutes(), TimeUnit.MINUTES);
        } else {
            mode = Mode.POLL;
            timer = engine.scheduler().schedule(this::requestSync, c.poll_interval_s(), TimeUnit.SECONDS);
        }
    }

    /** Reads what is new in one folder since its checkpoint and records the replies, batch by batch. */
    private void sync(IMAPFolder f) throws MessagingException {
        engine.sessions().call(() -> {
            long uidValidity = f.getUIDValidity();
            Optional<Checkpoint> cp = engine.store().checkpoint(userId, f.getFullName());
            long last = cp.filter(c -> c.uidValidity() == uidValidity).map(Checkpoint::lastUid).orElse(0L);
            if (cp.isPresent() && cp.get().uidValidity() != uidValidity) {
                LOG.info("UIDVALIDITY of {} of user {} changed ({} -> {}): reading the folder again; replies "
                        + "recorded before are recognised by their Message-ID", f.getFullName(), userId,
                        cp.get().uidValidity(), uidValidity);
            }
            List<Message> fresh = new ArrayList<>();
            if (last == 0) {
                // From the start: every message, UIDs come with the headers (no extra round trip for them).
                fresh.addAll(Arrays.asList(f.getMessages()));
            } else {
                for (Message m : f.getMessagesByUID(last + 1, UIDFolder.LASTUID)) {
                    // getMessagesByUID(n, LASTUID) returns the last message even when nothing is newer.
                    if (m != null && f.getUID(m) > last) {
                        fresh.add(m);
                    }
                }
                fresh.sort(Comparator.comparingLong(m -> uid(f, m)));
            }
            // Reading the next batch from the server overlaps with parsing and recording the last one, which run
            // in order on the engine's timer thread (never on a worker, which may be waiting here for them).
            CompletableFuture<Void> recorded = CompletableFuture.completedFuture(null);
            for (int i = 0; i < fresh.size(); i += BATCH) {
                List<Message> batch = fresh.subList(i, Math.min(fresh.size(), i + BATCH));
                Batch read = fetchBatch(f, uidValidity, batch);
                recorded = recorded.thenRunAsync(() -> record(read), engine.scheduler());
            }
            try {
                recorded.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new MessagingException("recording replies failed", (Exception) e.getCause());
            }
            return null;
        });
    }

    /** A batch as read from the server: headers, decisions, and the replies' raw bytes. */
    private record Batch(String folder, long uidValidity, long maxUid, List<Envelope> envelopes,
            Map<Long, Decision> decisions, Map<Long, byte[]> raw, Map<Long, Instant> received, Map<Long, Integer> sizes) {}

    private Batch fetchBatch(IMAPFolder f, long uidValidity, List<Message> batch) throws MessagingException {
        Message[] arr = batch.toArray(new Message[0]);
        FetchProfile fp = new FetchProfile();
        fp.add(UIDFolder.FetchProfileItem.UID);
        // ENVELOPE brings From, To, Cc, Subject, Message-ID, In-Reply-To and the size; every other header we read
        // is named here, or reading it would cost a round trip per message.
        fp.add(FetchProfile.Item.ENVELOPE);
        fp.add("References");
        fp.add("Delivered-To");
        f.fetch(arr, fp);
        List<Envelope> envelopes = new ArrayList<>(arr.length);
        for (Message m : arr) {
            envelopes.add(envelope(f, m));
        }
        Map<Long, Decision> decisions = engine.correlator().decide(userId, account.emailAddress(), envelopes,
                Instant.now());
        List<Message> wanted = new ArrayList<>();
        long maxUid = 0;
        for (int i = 0; i < arr.length; i++) {
            Envelope e = envelopes.get(i);
            maxUid = Math.max(maxUid, e.uid());
            Decision d = decisions.get(e.uid());
            if (d != null && d.kind() != ReplyCorrelator.Kind.IGNORE) {
                wanted.add(arr[i]);
            }
        }
        Map<Long, byte[]> raw = new java.util.HashMap<>();
        Map<Long, Instant> received = new java.util.HashMap<>();
        Map<Long, Integer> sizes = new java.util.HashMap<>();
        if (!wanted.isEmpty()) {
            long max = engine.config().max_message_bytes();
            List<Message> small = new ArrayList<>();
            for (Message m : wanted) {
                long uid = f.getUID(m);
                sizes.put(uid, m.getSize());
                received.put(uid, safe(() -> m.getReceivedDate() == null ? null : m.getReceivedDate().toInstant()));
                if (m.getSize() <= max) {
                    small.add(m);
                }
            }
            // The replies whole, in one round trip (BODY.PEEK[]: the folder is read only and peek is on).
            FetchProfile whole = new FetchProfile();
            whole.add(IMAPFolder.FetchProfileItem.MESSAGE);
            f.fetch(small.toArray(new Message[0]), whole);
            for (Message m : small) {
                try {
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.max(1024, m.getSize()));
                    m.writeTo(out);
                    raw.put(f.getUID(m), out.toByteArray());
                } catch (IOException | MessagingException e) {
                    LOG.warn("Message {} of user {} cannot be fetched whole: {}", f.getUID(m), userId, e.toString());
                }
            }
        }
        return new Batch(f.getFullName(), uidValidity, maxUid, envelopes, decisions, raw, received, sizes);
    }

    private void record(Batch b) {
        List<InboundMessage> inbound = new ArrayList<>();
        for (Envelope e : b.envelopes()) {
            Decision d = b.decisions().get(e.uid());
            if (d != null && d.kind() != ReplyCorrelator.Kind.IGNORE) {
                inbound.add(read(b, e, d));
            }
        }
        List<Recorded> recorded = engine.store().record(inbound,
                new Checkpoint(userId, b.folder(), b.uidValidity(), b.maxUid()));
        LOG.debug("Read {} messages of {} of user {} up to UID {}: {} recorded", b.envelopes().size(), b.folder(),
                userId, b.maxUid(), recorded.size());
        for (Recorded r : recorded) {
            if (r.message().status() == MessageStatus.RECEIVED) {
                repliesCollected++;
                lastReplyAt = Instant.now();
                engine.announce(r);
            }
        }
    }

    /** Reads a reply whole; a message that cannot be read is quarantined with the reason instead. */
    private InboundMessage read(Batch b, Envelope e, Decision d) {
        String dedupe = e.messageId() != null ? "in:" + e.messageId()
                : "in:" + b.folder() + "/" + b.uidValidity() + "/" + e.uid();
        MessageStatus status = d.kind() == ReplyCorrelator.Kind.TRIAGE ? MessageStatus.TRIAGE : MessageStatus.RECEIVED;
        Instant received = b.received().get(e.uid());
        byte[] raw = b.raw().get(e.uid());
        if (raw == null) {
            long max = engine.config().max_message_bytes();
            Integer size = b.sizes().get(e.uid());
            return quarantine(e, dedupe, received, size != null && size > max
                    ? "the message is " + size + " bytes; at most " + max + " are read"
                    : "the message could not be fetched");
        }
        try {
            MimeMessage m = new MimeMessage((Session) null, new java.io.ByteArrayInputStream(raw));
            ReplyParser.Parsed p = engine.parser().parse(m);
            return new InboundMessage(userId, status, dedupe, d.answers(), e.from(), e.recipients(), e.subject(),
                    p.text(), p.html(), p.replyText(), p.attachments(), e.messageId(), received,
                    status == MessageStatus.TRIAGE ? d.how() : null);
        } catch (MessagingException | IOException | RuntimeException ex) {
            LOG.warn("Message {} in {} of user {} cannot be read and is quarantined: {}", e.uid(), b.folder(),
                    userId, ex.toString());
            return quarantine(e, dedupe, received, "cannot be read: " + ex);
        }
    }

    private InboundMessage quarantine(Envelope e, String dedupe, Instant received, String why) {
        return new InboundMessage(userId, MessageStatus.QUARANTINED, dedupe, null, e.from(), e.recipients(),
                e.subject(), null, null, null, List.<Attachment>of(), e.messageId(), received, why);
    }

    private static Envelope envelope(IMAPFolder f, Message m) throws MessagingException {
        MimeMessage mm = (MimeMessage) m;
        String messageId = safe(mm::getMessageID);
        String inReplyTo = m instanceof IMAPMessage im ? safe(im::getInReplyTo) : header(mm, "In-Reply-To");
        String references = header(mm, "References");
        List<String> recipients = new ArrayList<>();
        for (Message.RecipientType t : List.of(Message.RecipientType.TO, Message.RecipientType.CC)) {
            Address[] as = safe(() -> mm.getRecipients(t));
            if (as != null) {
                for (Address a : as) {
                    if (a instanceof InternetAddress ia && ia.getAddress() != null) {
                        recipients.add(ia.getAddress().toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        String delivered = header(mm, "Delivered-To");
        if (delivered != null) {
            recipients.add(delivered.trim().toLowerCase(Locale.ROOT));
        }
        Address[] from = safe(mm::getFrom);
        String sender = from != null && from.length > 0 && from[0] instanceof InternetAddress ia && ia.getAddress() != null
                ? ia.getAddress().toLowerCase(Locale.ROOT) : null;
        return new Envelope(f.getUID(m), messageId == null ? null : messageId.trim(), Envelope.ids(inReplyTo),
                Envelope.ids(references), (inReplyTo == null ? "" : inReplyTo) + " " + (references == null ? "" : references),
                sender, recipients, safe(mm::getSubject));
    }

    private static String header(MimeMessage m, String name) {
        String[] v = safe(() -> m.getHeader(name));
        return v == null || v.length == 0 ? null : String.join(" ", v);
    }

    interface MailValue<T> {
        T get() throws MessagingException;
    }

    /** A header that cannot be parsed counts as absent; the message is still considered. */
    private static <T> T safe(MailValue<T> value) {
        try {
            return value.get();
        } catch (MessagingException | RuntimeException e) {
            return null;
        }
    }

    private static long uid(IMAPFolder f, Message m) {
        try {
            return f.getUID(m);
        } catch (MessagingException e) {
            return Long.MAX_VALUE;
        }
    }

    private void failed(Exception e) {
        lastError = e.getMessage() == null ? e.toString() : e.getMessage();
        failures++;
        long seconds = Math.min(engine.config().max_backoff_s(), (long) Math.pow(2, Math.min(failures - 1, 16)));
        LOG.info("Mailbox of user {}: {}; reconnecting in {} s", userId, lastError, seconds);
        retryLater(Duration.ofSeconds(seconds));
    }

    private void retryLater(Duration wait) {
        close();
        if (stopped) {
            return;
        }
        mode = Mode.BACKING_OFF;
        timer = engine.scheduler().schedule(() -> serial.execute(this::connectAndSync), wait.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private void close() {
        cancelTimer();
        for (IMAPFolder f : folders) {
            try {
                if (f.isOpen()) {
                    f.close(false);
                }
            } catch (MessagingException | RuntimeException ignored) {
                // closing
            }
        }
        folders.clear();
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException | RuntimeException ignored) {
                // closing
            }
            store = null;
        }
        if (stopped) {
            mode = Mode.STOPPED;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
