package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.Security;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.api.WatcherStatus.Mode;
import io.talentats.email.itests.support.TcpProxy;

import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;

/**
 * The reply collector when the connection misbehaves as real servers and networks make it: closed, reset, gone
 * silent, renumbered (UIDVALIDITY), and the switch flipped fast. A TCP proxy stands between the collector and
 * GreenMail, which never does any of this by itself.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CollectorFaultsIT extends MailTestSupport {

    private static final String CANDIDATES = "Candidates";

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email", "talentats-email-greenmail"),
            etcConfig("io.talentats.email.replies", "folders", "INBOX," + CANDIDATES),
            etcConfig("io.talentats.email.replies", "max.backoff.s", "2"),
            etcConfig("io.talentats.email.replies", "liveness.interval.s", "2"),
            mailConfig("connect.timeout.ms", "2000"),
            mailConfig("read.timeout.ms", "3000")
        };
    }

    /** A recruiter whose IMAP connections go through {@code imap}; SMTP straight to GreenMail. */
    private String recruiterBehind(TcpProxy imap, boolean candidatesFolder) throws Exception {
        String address = "faulty-" + UUID.randomUUID().toString().substring(0, 8) + "@talentats.test";
        String user = "r-" + UUID.randomUUID();
        GreenMailUser u = mail.greenMail().setUser(address, address, PASSWORD);
        if (candidatesFolder) {
            imapHost().createMailbox(u, CANDIDATES);
        }
        settings.save(user, AccountDraft.builder().emailAddress(address).password(PASSWORD).displayName("Jane Doe")
                .smtp("localhost", mail.smtpsPort(), Security.SSL_TLS)
                .imap("localhost", imap.port(), Security.SSL_TLS).build());
        awaitMode(user, Mode.IDLE, Duration.ofSeconds(20));
        return user;
    }

    private ImapHostManager imapHost() {
        return mail.greenMail().getManagers().getImapHostManager();
    }

    private WatcherStatus watcher(String user) {
        ServiceReference<ReplyCollector> ref = context.getServiceReference(ReplyCollector.class);
        return ref == null ? null : context.getService(ref).watchers().stream().filter(w -> w.userId().equals(user))
                .findFirst().orElse(null);
    }

    private void awaitMode(String user, Mode mode, Duration within) {
        await(user + " " + mode, within, () -> watcher(user) != null && watcher(user).mode() == mode);
    }

    private MessageRecord sent(String user, String candidate, String thread) {
        OutboundMessage m = message(user, MessageKind.CUSTOM, candidate).threadId(thread).build();
        try {
            return awaitStatus(router().submit(m).messageId(), MessageStatus.SENT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private List<MessageRecord> inbound(String thread) {
        return history.forThread(thread, PageRequest.first(200)).items().stream()
                .filter(r -> r.direction() == MessageRecord.Direction.INBOUND).toList();
    }

    /** Records every mode the watcher shows while it runs. */
    private static final class ModeRecorder implements AutoCloseable {
        final Set<Mode> seen = ConcurrentHashMap.newKeySet();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        ModeRecorder(java.util.function.Supplier<WatcherStatus> status) {
            thread = new Thread(() -> {
                while (running.get()) {
                    WatcherStatus w = status.get();
                    if (w != null) {
                        seen.add(w.mode());
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
            }, "test-mode-recorder");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(5000);
        }
    }

    @Test
    public void dropsDuringAStreamOfRepliesLoseNoneAndDoubleNone() throws Exception {
        try (TcpProxy imap = new TcpProxy("127.0.0.1", mail.imapsPort())) {
            String user = recruiterBehind(imap, false);
            String thread = "t-" + UUID.randomUUID();
            MessageRecord out = sent(user, "stream@candidates.test", thread);
            // The Sent copy opens a connection of its own through the proxy; the watcher's are counted after it
            await("the Sent copy kept", Duration.ofSeconds(20), () -> router().status(out.id()).orElseThrow()
                    .sentCopy() != MessageRecord.SentCopy.PENDING);
            await("the Sent copy's connection closed", Duration.ofSeconds(10), () -> imap.open() == 1);
            imap.resetPeak();
            List<Event> events = collect(EmailEvents.REPLY_RECEIVED);
            String to = settings.get(user).orElseThrow().emailAddress();
            try (ModeRecorder modes = new ModeRecorder(() -> watcher(user))) {
                for (int i = 0; i < 30; i++) {
                    reply("stream@candidates.test", to, "Re: " + out.subject() + " #" + i, "Reply " + i,
                            out.internetMessageId(), out.internetMessageId());
                    if (i % 5 == 4) {
                        if (i % 10 == 4) {
                            imap.closeAll();
                        } else {
                            imap.resetAll();
                        }
                    }
                }
                await("all 30 replies recorded", Duration.ofSeconds(60), () -> inbound(thread).size() >= 30);
                awaitMode(user, Mode.IDLE, Duration.ofSeconds(20));
                assertTrue("the drops were noticed: " + modes.seen, modes.seen.contains(Mode.RECONNECTING));
            }
            List<MessageRecord> replies = inbound(thread);
            assertEquals("each reply once", 30, replies.size());
            assertEquals(30, replies.stream().map(MessageRecord::internetMessageId).distinct().count());
            await("every reply announced", Duration.ofSeconds(10), () -> events.stream()
                    .filter(e -> out.id().equals(e.getProperty(EmailEvents.IN_REPLY_TO))).count() >= 30);
            assertEquals("each announced once", 30, events.stream()
                    .filter(e -> out.id().equals(e.getProperty(EmailEvents.IN_REPLY_TO))).count());
            assertTrue("reconnected through the proxy: " + imap.accepted(), imap.accepted() > 2);
            assertEquals("counters come from the store", 30, watcher(user).repliesCollected());
            assertEquals("never two connections at once through closes and resets", 1, imap.peakOpen());

            // And after a drop, the next reply arrives within the first backoff and a few round trips.
            imap.closeAll();
            long start = System.nanoTime();
            reply("stream@candidates.test", to, "Re: after the drop", "after", out.internetMessageId(), null);
            await("the reply after the drop", Duration.ofSeconds(15), () -> inbound(thread).size() == 31);
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue("collected " + millis + " ms after the drop", millis < 10_000);
        }
    }

    @Test
    public void aWatchedMailboxHoldsOneConnectionThroughLivenessChecksAndReconnects() throws Exception {
        try (TcpProxy imap = new TcpProxy("127.0.0.1", mail.imapsPort())) {
            String user = recruiterBehind(imap, false);
            awaitLivenessChecks(user, 3);
            assertEquals("connections open while idling and checked", 1, imap.open());
            assertEquals("connections ever open at once", 1, imap.peakOpen());

            int before = imap.accepted();
            imap.closeAll();
            await("reconnected", Duration.ofSeconds(20), () -> imap.accepted() > before
                    && watcher(user).mode() == Mode.IDLE);
            awaitLivenessChecks(user, 2);
            assertEquals("connections open after the reconnect", 1, imap.open());
            assertEquals("no overlap of the old and the new connection", 1, imap.peakOpen());
        }
    }

    /** Waits until {@code n} liveness checks (every 2 s) have passed since now. */
    private void awaitLivenessChecks(String user, int n) {
        java.time.Instant from = java.time.Instant.now().plusSeconds(2L * (n - 1));
        await(n + " liveness checks", Duration.ofSeconds(4L * n + 10), () -> {
            WatcherStatus w = watcher(user);
            return w.mode() == Mode.IDLE && w.lastCheckAt() != null && w.lastCheckAt().isAfter(from);
        });
    }

    @Test
    public void aConnectionThatGoesSilentIsFoundAndReplacedAndTheReplyWaitingIsCollected() throws Exception {
        try (TcpProxy imap = new TcpProxy("127.0.0.1", mail.imapsPort())) {
            String user = recruiterBehind(imap, false);
            String thread = "t-" + UUID.randomUUID();
            MessageRecord out = sent(user, "silent@candidates.test", thread);
            String to = settings.get(user).orElseThrow().emailAddress();
            imap.blackHole(true);
            // liveness every 2 s, read timeout 3 s: IDLE must not be claimed for long on a dead connection
            await("the silent connection noticed", Duration.ofSeconds(15), () -> watcher(user).mode() != Mode.IDLE);
            WatcherStatus trouble = watcher(user);
            assertTrue(trouble.toString(), trouble.lastError() != null);
            reply("silent@candidates.test", to, "Re: " + out.subject(), "while silent", out.internetMessageId(), null);
            imap.blackHole(false);
            await("the reply collected once the connection is back", Duration.ofSeconds(30),
                    () -> inbound(thread).size() == 1);
            awaitMode(user, Mode.IDLE, Duration.ofSeconds(20));
            assertEquals(0, watcher(user).attempt());
        }
    }

    @Test
    public void aRenumberedFolderIsReadAgainWithoutDoubles() throws Exception {
        try (TcpProxy imap = new TcpProxy("127.0.0.1", mail.imapsPort())) {
            String user = recruiterBehind(imap, true);
            String thread = "t-" + UUID.randomUUID();
            MessageRecord out = sent(user, "renum@candidates.test", thread);
            GreenMailUser u = mail.greenMail().getUserManager().getUser(settings.get(user).orElseThrow()
                    .emailAddress());
            String to = settings.get(user).orElseThrow().emailAddress();
            MimeMessage first = candidateReply("renum@candidates.test", to, out, "first");
            withMailLoader(() -> imapHost().getFolder(u, CANDIDATES).store(first));
            await("the first reply", Duration.ofSeconds(20), () -> inbound(thread).size() == 1);

            // The folder is rebuilt: same message, new UIDs, new UIDVALIDITY; the server ends the session, as
            // Dovecot does.
            MailFolder folder = rebuild(u);
            MimeMessage second = candidateReply("renum@candidates.test", to, out, "second");
            withMailLoader(() -> {
                folder.store(first);
                folder.store(second);
            });
            imap.closeAll();
            await("the second reply after the renumbering", Duration.ofSeconds(30), () -> inbound(thread).size() >= 2);
            awaitMode(user, Mode.IDLE, Duration.ofSeconds(20));
            List<MessageRecord> replies = inbound(thread);
            assertEquals("the first reply is not recorded again: " + replies.stream().map(MessageRecord::subject)
                    .collect(Collectors.toList()), 2, replies.size());
            assertEquals("To and Delivered-To name the recruiter once", List.of(to.toLowerCase()),
                    replies.get(0).to());
        }
    }

    @Test
    public void aFolderRenumberedWithoutEndingTheSessionIsFoundByTheLivenessCheck() throws Exception {
        try (TcpProxy imap = new TcpProxy("127.0.0.1", mail.imapsPort())) {
            String user = recruiterBehind(imap, true);
            String thread = "t-" + UUID.randomUUID();
            MessageRecord out = sent(user, "renum2@candidates.test", thread);
            String to = settings.get(user).orElseThrow().emailAddress();
            GreenMailUser u = mail.greenMail().getUserManager().getUser(to);
            MimeMessage first = candidateReply("renum2@candidates.test", to, out, "first");
            withMailLoader(() -> imapHost().getFolder(u, CANDIDATES).store(first));
            await("the first reply", Duration.ofSeconds(20), () -> inbound(thread).size() == 1);
            int connections = imap.accepted();
            MailFolder folder = rebuild(u);
            MimeMessage second = candidateReply("renum2@candidates.test", to, out, "second");
            withMailLoader(() -> {
                folder.store(first);
                folder.store(second);
            });
            // No session is ended: the liveness check (every 2 s) sees the new UIDVALIDITY.
            await("the second reply", Duration.ofSeconds(20), () -> inbound(thread).size() >= 2);
            assertEquals("the first reply is not recorded again", 2, inbound(thread).size());
            assertTrue("it reconnected to read the folder again", imap.accepted() > connections);
            awaitLivenessChecks(user, 1);
            assertEquals("one connection per watched folder (INBOX and Candidates)", 2, imap.open());
        }
    }

    @Test
    public void theSwitchFlippedFastEndsInTheLastStateAskedFor() throws Exception {
        try (TcpProxy imap = new TcpProxy("127.0.0.1", mail.imapsPort())) {
            String user = recruiterBehind(imap, false);
            try {
                for (int i = 0; i < 25; i++) {
                    connectivity.setEnabled(false);
                    connectivity.setEnabled(true);
                }
                await("connectivity on", Duration.ofSeconds(10), connectivity::isEnabled);
                awaitMode(user, Mode.IDLE, Duration.ofSeconds(30));
                for (int i = 0; i < 10; i++) {
                    connectivity.setEnabled(true);
                    connectivity.setEnabled(false);
                }
                awaitMode(user, Mode.STOPPED, Duration.ofSeconds(30));
                await("no connection left open", Duration.ofSeconds(20), () -> imap.open() == 0);
            } finally {
                connectivity.setEnabled(true);
            }
            awaitMode(user, Mode.IDLE, Duration.ofSeconds(30));
        }
    }

    @Test
    public void aLongHistoryIsNotReadOnTheFirstConnect() throws Exception {
        String address = "history-" + UUID.randomUUID().toString().substring(0, 8) + "@talentats.test";
        GreenMailUser u = mail.greenMail().setUser(address, address, PASSWORD);
        // Mail from before anything of ours could be answered: it even looks like replies, with old dates.
        String user = "r-" + UUID.randomUUID();
        String thread = "t-" + UUID.randomUUID();
        OutboundMessage viaPlatform = message(user, MessageKind.STAGE_CHANGE, "old@candidates.test").threadId(thread)
                .senderAddress(address).build();
        MessageRecord out = awaitStatus(router().submit(viaPlatform).messageId(), MessageStatus.SENT);
        MailFolder inbox = imapHost().getInbox(u);
        Date longAgo = Date.from(Instant.now().minus(Duration.ofDays(400)));
        for (int i = 0; i < 200; i++) {
            MimeMessage old = candidateReply("old@candidates.test", address, out, "old " + i);
            withMailLoader(() -> inbox.appendMessage(old, new Flags(), longAgo));
        }
        try (TcpProxy imap = new TcpProxy("127.0.0.1", mail.imapsPort())) {
            settings.save(user, AccountDraft.builder().emailAddress(address).password(PASSWORD)
                    .smtp("localhost", mail.smtpsPort(), Security.SSL_TLS)
                    .imap("localhost", imap.port(), Security.SSL_TLS).build());
            awaitMode(user, Mode.IDLE, Duration.ofSeconds(20));
            assertEquals("nothing from the old mail", 0, inbound(thread).size());
            reply("old@candidates.test", address, "Re: " + out.subject(), "a real one", out.internetMessageId(), null);
            await("the new reply", Duration.ofSeconds(20), () -> inbound(thread).size() == 1);
            assertEquals("a real one", inbound(thread).get(0).replyText().trim());
        }
    }

    /** The user's Candidates folder made anew, as a server rebuilding it does: new UIDs, new UIDVALIDITY. */
    private MailFolder rebuild(GreenMailUser u) throws Exception {
        long before = imapHost().getFolder(u, CANDIDATES).getUidValidity();
        imapHost().renameMailbox(u, CANDIDATES, "Old-" + UUID.randomUUID().toString().substring(0, 6));
        MailFolder rebuilt = imapHost().createMailbox(u, CANDIDATES);
        while (rebuilt.getUidValidity() == before) {
            imapHost().deleteMailbox(u, CANDIDATES);
            rebuilt = imapHost().createMailbox(u, CANDIDATES);
        }
        return rebuilt;
    }

    @FunctionalInterface
    private interface MailWork {
        void run() throws Exception;
    }

    /** GreenMail copies messages with Jakarta Mail, which needs the mail class loader as context class loader. */
    private void withMailLoader(MailWork work) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(sessions.classLoader());
        try {
            work.run();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    /** A reply as a mail server files it: To and Delivered-To both name the recruiter. */
    private MimeMessage candidateReply(String from, String to, MessageRecord answered, String text) throws Exception {
        return sessions.call(() -> {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
            m.setFrom(new InternetAddress(from));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
            m.setHeader("Delivered-To", to);
            m.setSubject("Re: " + answered.subject() + " (" + text + ")");
            m.setHeader("In-Reply-To", answered.internetMessageId());
            m.setText(text, "UTF-8");
            m.saveChanges();
            m.setHeader("Message-ID", "<" + UUID.nameUUIDFromBytes((answered.id() + text).getBytes()) + "@cand.test>");
            return m;
        });
    }
}
