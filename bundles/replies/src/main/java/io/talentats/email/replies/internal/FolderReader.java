package io.talentats.email.replies.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.talentats.email.replies.internal.ReplyCorrelator.Decision;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.WatchLeases;

import jakarta.mail.Address;
import jakarta.mail.FetchProfile;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.ComparisonTerm;
import jakarta.mail.search.ReceivedDateTerm;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.YoungerTerm;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one watched folder from its checkpoint: headers of what is new, the correlator's decision for each, the
 * replies whole; the {@link BatchRecorder} records each batch with the new checkpoint in one transaction. Reading
 * the next batch overlaps with parsing and recording the last one.
 */
final class FolderReader {

    private static final Logger LOG = LoggerFactory.getLogger(FolderReader.class);
    /** Messages fetched and recorded per transaction. */
    static final int BATCH = 2500;

    private final String userId;
    private final MailboxContext ctx;
    /** Decides and records what each batch holds, on the engine's recorder thread. */
    private final BatchRecorder recorder;

    /**
     * @param onReply told of each reply and bounce recorded, on the recorder thread
     * @param lease the watch lease the mailbox is held under: writes under a lost one are refused
     */
    FolderReader(String userId, MailboxContext ctx, Outcomes onReply, WatchLeases.Lease lease) {
        this.userId = userId;
        this.ctx = ctx;
        this.recorder = new BatchRecorder(userId, ctx, onReply, lease);
    }

    /**
     * Reads what is new in one folder since its checkpoint and records the replies, batch by batch.
     *
     * @return how many messages were new
     */
    int sync(IMAPFolder f, MailAccount account) throws MessagingException {
        return ctx.sessions().call(() -> {
            long uidValidity = f.getUIDValidity();
            Optional<Checkpoint> cp = ctx.store().checkpoint(userId, f.getFullName());
            long last = cp.filter(c -> c.uidValidity() == uidValidity).map(Checkpoint::lastUid).orElse(0L);
            if (cp.isPresent() && cp.get().uidValidity() != uidValidity) {
                LOG.info("UIDVALIDITY of {} of user {} changed ({} -> {}): reading the folder again; replies "
                        + "recorded before are recognised by their Message-ID", f.getFullName(), userId,
                        cp.get().uidValidity(), uidValidity);
            }
            List<Message> fresh = new ArrayList<>();
            if (last == 0) {
                // No checkpoint for these UIDs: only what arrived since a reply could first have come is read,
                // whatever the folder's size (SEARCH YOUNGER or SINCE, then each candidate's INTERNALDATE).
                Instant from = cp.isPresent() && cp.get().readAt() != null
                        ? cp.get().readAt().minus(Duration.ofDays(1)) : firstPossibleReply();
                fresh.addAll(arrivedSince(f, from));
                if (fresh.isEmpty()) {
                    long uidNext = f.getUIDNext();
                    long floor = uidNext > 0 ? uidNext - 1
                            : f.getMessageCount() > 0 ? f.getUID(f.getMessage(f.getMessageCount())) : 0;
                    recorder.save(List.of(), new Checkpoint(userId, f.getFullName(), uidValidity, floor));
                    LOG.debug("Nothing in {} of user {} since {}: checkpoint at UID {}", f.getFullName(), userId,
                            from, floor);
                    return 0;
                }
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
            // in order on the engine's recorder (never on a worker, which may be waiting here for them, nor on the
            // timer, which every mailbox's reconnects and polls share).
            CompletableFuture<Void> recorded = CompletableFuture.completedFuture(null);
            for (int i = 0; i < fresh.size(); i += BATCH) {
                List<Message> batch = fresh.subList(i, Math.min(fresh.size(), i + BATCH));
                FetchedBatch read = fetchBatch(f, uidValidity, batch, account);
                recorded = recorded.thenRunAsync(() -> recorder.record(read), ctx.recorder());
            }
            BatchRecorder.await(recorded);
            return fresh.size();
        });
    }

    /**
     * The earliest a reply can have arrived: when the recruiter's first message was queued (the platform may have
     * sent on their behalf before they connected), or a minute ago, whichever is earlier.
     */
    private Instant firstPossibleReply() {
        Instant now = Instant.now().minus(Duration.ofMinutes(1));
        return ctx.store().firstOutboundAt(userId).filter(t -> t.isBefore(now)).orElse(now);
    }

    /**
     * How much earlier than our instant a {@code YOUNGER} search starts: the server counts its seconds by its own
     * clock, which may run ahead of ours. The INTERNALDATE check then applies the exact instant.
     */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(5);

    /**
     * The messages whose INTERNALDATE is {@code from} or later, oldest first. A server with WITHIN (RFC 5032) is
     * asked for the messages younger than that (plus {@link #CLOCK_MARGIN}); another for the messages of that day
     * and later ({@code SINCE} counts in days). Only the UIDs and INTERNALDATEs of what the search found are
     * fetched, and the messages before {@code from} are left out by their INTERNALDATE.
     */
    private static List<Message> arrivedSince(IMAPFolder f, Instant from) throws MessagingException {
        boolean within = (Boolean) f.doCommand(p -> p.hasCapability("WITHIN"));
        long seconds = Duration.between(from, Instant.now()).plus(CLOCK_MARGIN).toSeconds();
        Message[] found = f.search(within && seconds < Integer.MAX_VALUE ? new YoungerTerm((int) seconds)
                : new ReceivedDateTerm(ComparisonTerm.GE, Date.from(from)));
        if (found.length == 0) {
            return List.of();
        }
        FetchProfile fp = new FetchProfile();
        fp.add(UIDFolder.FetchProfileItem.UID);
        fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
        f.fetch(found, fp);
        List<Message> out = new ArrayList<>();
        for (Message m : found) {
            Date received = m.getReceivedDate();
            if (received == null || !received.toInstant().isBefore(from)) {
                out.add(m);
            } else {
                release(m);
            }
        }
        out.sort(Comparator.comparingLong(m -> uid(f, m)));
        return out;
    }

    private FetchedBatch fetchBatch(IMAPFolder f, long uidValidity, List<Message> batch, MailAccount account)
            throws MessagingException {
        Message[] arr = batch.toArray(new Message[0]);
        FetchProfile fp = new FetchProfile();
        fp.add(UIDFolder.FetchProfileItem.UID);
        // ENVELOPE brings From, To, Cc, Subject, Message-ID, In-Reply-To and the size; every other header we read
        // is named here, or reading it would cost a round trip per message.
        fp.add(FetchProfile.Item.ENVELOPE);
        fp.add("References");
        fp.add("Delivered-To");
        // What tells a delivery report from mail, before its body is read
        fp.add("Content-Type");
        fp.add("X-Failed-Recipients");
        fp.add("Return-Path");
        f.fetch(arr, fp);
        List<Envelope> envelopes = new ArrayList<>(arr.length);
        for (Message m : arr) {
            envelopes.add(envelope(f.getUID(m), (MimeMessage) m));
        }
        Map<Long, Decision> decisions = ctx.correlator().decide(userId, account.emailAddress(), envelopes,
                Instant.now());
        List<Message> wanted = new ArrayList<>();
        long maxUid = 0;
        for (int i = 0; i < arr.length; i++) {
            Envelope e = envelopes.get(i);
            maxUid = Math.max(maxUid, e.uid());
            Decision d = decisions.get(e.uid());
            if (BatchRecorder.wanted(d, e)) {
                // Replies, and what may be a delivery report about one of ours (its original is in the body)
                wanted.add(arr[i]);
            }
        }
        Map<Long, byte[]> raw = new java.util.HashMap<>();
        Map<Long, Instant> received = new java.util.HashMap<>();
        Map<Long, Integer> sizes = new java.util.HashMap<>();
        if (!wanted.isEmpty()) {
            long max = ctx.config().max_message_bytes();
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
        release(arr);
        return new FetchedBatch(f.getFullName(), uidValidity, maxUid, envelopes, decisions, raw, received, sizes);
    }

    /**
     * Drops what Angus cached of messages that were read (headers, envelope, the whole message with its
     * attachments): an open folder keeps it for as long as it stays open, and a watched folder stays open for days.
     * What the batch needs was copied out of them before.
     */
    static void release(Message... read) {
        for (Message m : read) {
            if (m instanceof IMAPMessage im) {
                im.invalidateHeaders();
            }
        }
    }

    /** The headers that decide about a message, whether read over IMAP or parsed from an API's MIME. */
    static Envelope envelope(long uid, MimeMessage m) {
        MimeMessage mm = m;
        String messageId = safe(mm::getMessageID);
        String inReplyTo = m instanceof IMAPMessage im ? safe(im::getInReplyTo) : header(mm, "In-Reply-To");
        String references = header(mm, "References");
        java.util.Set<String> recipients = new java.util.LinkedHashSet<>();
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
        String contentType = header(mm, "Content-Type");
        String returnPath = header(mm, "Return-Path");
        boolean report = Classifier.mayBeReport(contentType, header(mm, "X-Failed-Recipients"), returnPath, sender);
        return new Envelope(uid, messageId == null ? null : messageId.trim(), Envelope.ids(inReplyTo),
                Envelope.ids(references), (inReplyTo == null ? "" : inReplyTo) + " " + (references == null ? "" : references),
                sender, List.copyOf(recipients), Utf8Headers.repair(safe(mm::getSubject)), report);
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

}
