package io.talentats.email.replies.internal;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.talentats.email.api.WatcherStatus.Mode;
import io.talentats.email.mail.ApiInbox;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.replies.internal.ReplyCorrelator.Decision;
import io.talentats.email.runtime.CredentialUnavailableException;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.WatchLeases;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mailbox read through a provider's API (Microsoft Graph, Gmail API): every {@code api.poll.interval.s} it asks
 * what arrived in the inbox since its cursor (the API's delta link or history id, kept as the mailbox's checkpoint),
 * fetches each new message's MIME as it arrived and hands it to the same correlator, classifier and recorder as
 * mail read over IMAP. A cursor the API no longer knows is replaced by a read from the checkpoint's time (less a
 * day): what was recorded before is recognised by its Message-ID, so nothing is missed and nothing doubled. A
 * {@code Retry-After} is waited out by scheduling the next read after it, never by holding a worker. Read only.
 */
final class ApiMailbox extends Watched {

    private static final Logger LOG = LoggerFactory.getLogger(ApiMailbox.class);
    /** Messages fetched and recorded per transaction. */
    static final int BATCH = 50;
    /** How much before a lost cursor's checkpoint a resync reads. */
    static final Duration RESYNC_MARGIN = Duration.ofDays(1);

    /** The checkpoint's folder name: the access and the inbox, apart from an IMAP checkpoint of the same user. */
    private final String folder;
    private final BatchRecorder recorder;
    /** Used only on the serial executor. */
    private ScheduledFuture<?> timer;

    /** @param lease the watch lease this node holds for the mailbox, or {@code null} (tests) */
    ApiMailbox(String userId, String access, MailboxContext ctx, WatchLeases.Lease lease) {
        super(userId, ctx, lease);
        this.folder = access + ":INBOX";
        this.recorder = new BatchRecorder(userId, ctx, ctx.announce(), lease);
    }

    @Override
    void start() {
        serial.execute(this::read);
    }

    @Override
    CompletionStage<Void> stop() {
        stopped = true;
        serial.execute(() -> {
            cancelTimer();
            enter(Mode.STOPPED);
            closed.complete(null);
        });
        return closed;
    }

    /** One round: what arrived since the cursor, read and recorded in batches; then the next round is scheduled. */
    private void read() {
        if (stopped) {
            return;
        }
        try {
            Optional<MailAccount> a = login.account();
            if (a.isEmpty()) {
                stopped = true;
                enter(Mode.STOPPED);
                closed.complete(null);
                return;
            }
            ApiInbox inbox = login.inbox().orElseThrow(() -> new MessagingException("This mailbox is read through "
                    + folder.substring(0, folder.indexOf(':')) + ", which is not installed here (feature "
                    + "talentats-email-provider-apis)"));
            Duration wait = inbox.waiting();
            if (!wait.isZero()) {
                // The API asked to wait: the next round comes after it, no worker waits meanwhile
                schedule(wait.plusMillis(50));
                return;
            }
            Optional<Checkpoint> cp = ctx.store().checkpoint(userId, folder);
            Instant from = cp.map(Checkpoint::readAt).map(t -> t.minus(RESYNC_MARGIN)).orElseGet(this::firstPossibleReply);
            ApiInbox.Changes changes = inbox.changes(cp.map(Checkpoint::cursor).orElse(null), from);
            if (changes.resynced()) {
                LOG.info("Mailbox of user {}: the API no longer knew its change position; read again from {}",
                        userId, from);
            }
            List<String> added = changes.added();
            String before = cp.map(Checkpoint::cursor).orElse(null);
            boolean moved = !java.util.Objects.equals(before, changes.cursor());
            for (int i = 0; i < added.size() || i == 0 && moved; i += BATCH) {
                List<String> ids = added.subList(Math.min(i, added.size()), Math.min(added.size(), i + BATCH));
                boolean last = i + BATCH >= added.size();
                // Until the last batch is in, the checkpoint keeps the cursor it had: a crash reads them again
                // and the ones recorded are recognised.
                record(a.get(), inbox, ids, last ? changes.cursor() : before);
            }
            login.worked();
            lastCheckAt = Instant.now();
            attempt = 0;
            lastError = null;
            enter(Mode.POLL);
            schedule(Duration.ofSeconds(Math.max(1, ctx.config().api_poll_interval_s())));
        } catch (CredentialUnavailableException e) {
            lastError = e.getMessage();
            attempt++;
            retryLater(e.needsSignIn() ? Mode.AUTH_FAILING : Mode.BACKING_OFF, e.needsSignIn()
                    ? Duration.ofMinutes(ctx.config().auth_retry_minutes()) : backoff());
        } catch (MessagingException | RuntimeException e) {
            failed(e);
        }
    }

    /** Reads the messages {@code ids} whole, decides what each is, and records them with {@code cursor}. */
    private void record(MailAccount account, ApiInbox inbox, List<String> ids, String cursor)
            throws MessagingException {
        List<Envelope> envelopes = new ArrayList<>(ids.size());
        Map<Long, byte[]> raw = new HashMap<>();
        Map<Long, Instant> received = new HashMap<>();
        Map<Long, Integer> sizes = new HashMap<>();
        Map<Long, String> apiIds = new HashMap<>();
        long max = ctx.config().max_message_bytes();
        for (int i = 0; i < ids.size(); i++) {
            long place = i + 1L;
            byte[] mime = inbox.raw(ids.get(i));
            apiIds.put(place, ids.get(i));
            sizes.put(place, mime.length);
            received.put(place, Instant.now());
            MimeMessage m = new MimeMessage((Session) null, new ByteArrayInputStream(mime));
            envelopes.add(FolderReader.envelope(place, m));
            if (mime.length <= max) {
                raw.put(place, mime);
            }
        }
        Map<Long, Decision> decisions = ctx.correlator().decide(userId, account.emailAddress(), envelopes,
                Instant.now());
        // What is neither a reply nor a report is not kept while the batch is recorded
        for (Envelope e : envelopes) {
            Decision d = decisions.get(e.uid());
            if (!BatchRecorder.wanted(d, e)) {
                raw.remove(e.uid());
            }
        }
        FetchedBatch batch = new FetchedBatch(folder, 0, ids.size(), envelopes, decisions, raw, received, sizes,
                cursor, apiIds);
        BatchRecorder.await(CompletableFuture.runAsync(() -> recorder.record(batch), ctx.recorder()));
    }

    /** As the IMAP watcher: when the recruiter's first message was queued, or a minute ago, whichever is earlier. */
    private Instant firstPossibleReply() {
        Instant now = Instant.now().minus(Duration.ofMinutes(1));
        return ctx.store().firstOutboundAt(userId).filter(t -> t.isBefore(now)).orElse(now);
    }

    private void failed(Exception e) {
        if (leaseLost(e)) {
            return;
        }
        Diagnosis d = login.failed(Protocol.IMAP, e, null);
        lastError = describe(e);
        attempt++;
        if (d.loginRefused()) {
            retryLater(Mode.AUTH_FAILING, Duration.ofMinutes(ctx.config().auth_retry_minutes()));
            return;
        }
        Duration wait = backoff();
        LOG.info("Mailbox of user {}: {}; trying again in {} ms (attempt {})", userId, lastError, wait.toMillis(),
                attempt);
        retryLater(Mode.BACKING_OFF, wait);
    }

    private void retryLater(Mode waiting, Duration wait) {
        if (stopped) {
            return;
        }
        enter(waiting);
        schedule(wait);
    }

    private void schedule(Duration wait) {
        cancelTimer();
        if (!stopped) {
            timer = ctx.scheduler().schedule(() -> serial.execute(this::read), wait.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
