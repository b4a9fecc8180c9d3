package io.talentats.email.replies.internal;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.replies.internal.ReplyCorrelator.Decision;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.InboundMessage;
import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore.Bounce;
import io.talentats.email.store.ReplyStore.Recorded;
import io.talentats.email.store.WatchLeases;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a batch read from a folder holds, decided and recorded: replies and automatic answers in their threads,
 * bounces and delays on the messages they report, read receipts on their timelines, unreadable mail quarantined
 * with the reason; then the batch with its checkpoint in one transaction, under the mailbox's watch lease.
 */
final class BatchRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(BatchRecorder.class);

    private final String userId;
    private final MailboxContext ctx;
    private final Outcomes onReply;
    /** Whether this is the platform's bounce mailbox rather than a recruiter's. */
    private final boolean platform;
    /** The watch lease every write is made under, or {@code null} (tests). */
    private final WatchLeases.Lease lease;

    BatchRecorder(String userId, MailboxContext ctx, Outcomes onReply, WatchLeases.Lease lease) {
        this.userId = userId;
        this.ctx = ctx;
        this.onReply = onReply;
        this.platform = MailAccount.PLATFORM_USER_ID.equals(userId);
        this.lease = lease;
    }

    /** Records under the lease; {@link io.talentats.email.store.LeaseLostException} when it was lost. */
    List<Recorded> save(List<InboundMessage> messages, Checkpoint checkpoint) {
        return lease == null ? ctx.store().record(messages, checkpoint)
                : ctx.store().record(messages, checkpoint, lease);
    }

    /**
     * Waits for batches recorded on the engine's recorder thread; their failure is the caller's (a refused write under
     * a lost lease stays a {@link io.talentats.email.store.LeaseLostException}).
     */
    static void await(java.util.concurrent.CompletableFuture<Void> recorded) throws MessagingException {
        try {
            recorded.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new MessagingException("recording replies failed", (Exception) e.getCause());
        }
    }

    /** Whether a message is read whole: a reply or automatic answer, or what may be a report about one of ours. */
    static boolean wanted(Decision d, Envelope e) {
        return d != null && d.kind() != ReplyCorrelator.Kind.IGNORE || e.report();
    }

    void record(FetchedBatch b) {
        List<InboundMessage> inbound = new ArrayList<>();
        for (Envelope e : b.envelopes()) {
            Decision d = b.decisions().get(e.uid());
            // The platform's bounce mailbox: reports only; candidates answer the recruiter, not the platform
            boolean reply = d != null && d.kind() != ReplyCorrelator.Kind.IGNORE && !platform;
            if (!reply && !e.report()) {
                continue;
            }
            byte[] raw = b.raw().get(e.uid());
            MimeMessage m = null;
            Classifier.Result c = null;
            String unreadable = raw == null ? "it could not be fetched or is too large" : null;
            if (raw != null) {
                try {
                    m = new MimeMessage((Session) null, new java.io.ByteArrayInputStream(raw));
                    c = Classifier.classify(m);
                } catch (MessagingException | IOException | RuntimeException ex) {
                    m = null; // read() quarantines a reply with the reason
                    unreadable = ex.toString();
                }
            }
            if (c == null && !reply) {
                // A delivery report we cannot read: an operator must see it, as any unreadable mail
                LOG.warn("Delivery report {} in {} of user {} cannot be read and is quarantined: {}", e.uid(),
                        b.folder(), userId, unreadable);
                inbound.add(quarantine(e, dedupe(b, e), b.received().get(e.uid()),
                        "a delivery report that cannot be read: " + unreadable));
                continue;
            }
            if (c != null && c.automatic()) {
                MessageKind kind = machine(e, platform ? null : d, c);
                if (kind == null) {
                    continue; // a report, a receipt or list mail: not ingested
                }
                if (d != null && d.kind() == ReplyCorrelator.Kind.REPLY) {
                    inbound.add(read(b, e, d, m, kind));
                }
                continue;
            }
            if (reply) {
                inbound.add(read(b, e, d, m, null));
            }
        }
        List<Recorded> recorded = save(inbound, b.apiIds() != null ? Checkpoint.cursor(userId, b.folder(), b.cursor())
                : new Checkpoint(userId, b.folder(), b.uidValidity(), b.maxUid()));
        LOG.debug("Read {} messages of {} of user {} up to UID {}: {} recorded", b.envelopes().size(), b.folder(),
                userId, b.maxUid(), recorded.size());
        for (Recorded r : recorded) {
            if (r.message().status() == MessageStatus.RECEIVED) {
                onReply.recorded(r);
            }
        }
    }

    /**
     * What a machine's message does: a bounce or delay marks the message it reports on, a read receipt notes it
     * on its timeline, list mail is left alone; an automatic reply is kept in its thread.
     *
     * @return {@code AUTO_REPLY} to record it in the thread, or {@code null} to leave it out
     */
    private MessageKind machine(Envelope e, Decision d, Classifier.Result c) {
        switch (c.type()) {
            case BOUNCE, DELAY -> {
                OutboundRef o = d != null && d.answers() != null ? d.answers() : reported(c, e);
                if (o == null) {
                    LOG.debug("Delivery report {} of user {} is about no message of ours", e.uid(), userId);
                    return null;
                }
                Bounce bounce = new Bounce(userId, o.id(), c.type() == Classifier.Type.BOUNCE, c.status(),
                        c.recipient(), c.diagnostic());
                if (ctx.store().recordBounce(bounce)) {
                    // ids and the status only: the recipient and the server's words name the candidate
                    LOG.info("Message {} of user {} {} ({})", o.id(), userId, bounce.hard() ? "bounced"
                            : "is delayed", c.status());
                    onReply.bounced(o, bounce);
                }
                return null;
            }
            case READ_RECEIPT -> {
                OutboundRef o = d != null && d.answers() != null ? d.answers() : reported(c, e);
                if (o != null) {
                    // displayed, deleted without being read, … (a refusal by an automatic action is a bounce)
                    ctx.store().recordReadReceipt(userId, o.id(), (c.diagnostic() == null ? "displayed"
                            : c.diagnostic()) + " by " + (c.recipient() != null ? c.recipient() : e.from()));
                }
                return null;
            }
            case LIST -> {
                return null;
            }
            default -> {
                return MessageKind.AUTO_REPLY;
            }
        }
    }

    /**
     * The outbound message a report names: by the original's Message-ID, our token in it, or our token in the
     * address the report was sent to (the platform's return path, {@code bounces+tats-TOKEN@…}).
     */
    private OutboundRef reported(Classifier.Result c, Envelope e) {
        List<OutboundRef> byId = c.originalIds().isEmpty() ? List.of()
                : ctx.store().outboundByMessageIds(userId, c.originalIds());
        if (!byId.isEmpty()) {
            return byId.get(0);
        }
        java.util.Set<String> tokens = new java.util.HashSet<>(e.tokens());
        for (String id : c.originalIds()) {
            String t = ReplyCorrelator.tokenOf(id);
            if (t != null) {
                tokens.add(t);
            }
        }
        List<OutboundRef> byToken = tokens.isEmpty() ? List.of() : ctx.store().outboundByTokens(userId, tokens);
        return byToken.isEmpty() ? null : byToken.get(0);
    }

    /** Reads a reply whole; a message that cannot be read is quarantined with the reason instead. */
    private InboundMessage read(FetchedBatch b, Envelope e, Decision d, MimeMessage parsed, MessageKind kind) {
        String dedupe = dedupe(b, e);
        MessageStatus status = d.kind() == ReplyCorrelator.Kind.TRIAGE ? MessageStatus.TRIAGE : MessageStatus.RECEIVED;
        Instant received = b.received().get(e.uid());
        byte[] raw = b.raw().get(e.uid());
        if (raw == null) {
            long max = ctx.config().max_message_bytes();
            Integer size = b.sizes().get(e.uid());
            return quarantine(e, dedupe, received, size != null && size > max
                    ? "the message is " + size + " bytes; at most " + max + " are read"
                    : "the message could not be fetched");
        }
        try {
            MimeMessage m = parsed != null ? parsed : new MimeMessage((Session) null,
                    new java.io.ByteArrayInputStream(raw));
            ReplyParser.Parsed p = ctx.parser().parse(m);
            return new InboundMessage(userId, status, dedupe, d.answers(), e.from(), e.recipients(), e.subject(),
                    p.text(), p.html(), p.replyText(), p.attachments(), e.messageId(), received,
                    status == MessageStatus.TRIAGE ? d.how() : null, kind);
        } catch (MessagingException | IOException | RuntimeException ex) {
            LOG.warn("Message {} in {} of user {} cannot be read and is quarantined: {}", e.uid(), b.folder(),
                    userId, ex.toString());
            return quarantine(e, dedupe, received, "cannot be read: " + ex);
        }
    }

    /** What makes a message recorded once, however often it is read: its Message-ID, else its place or API id. */
    private static String dedupe(FetchedBatch b, Envelope e) {
        return e.messageId() != null ? "in:" + e.messageId()
                : b.apiIds() != null ? "in:" + b.folder() + "/" + b.apiIds().get(e.uid())
                : "in:" + b.folder() + "/" + b.uidValidity() + "/" + e.uid();
    }

    private InboundMessage quarantine(Envelope e, String dedupe, Instant received, String why) {
        return new InboundMessage(userId, MessageStatus.QUARANTINED, dedupe, null, e.from(), e.recipients(),
                e.subject(), null, null, null, List.<Attachment>of(), e.messageId(), received, why, null);
    }
}
