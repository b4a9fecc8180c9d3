package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import javax.sql.DataSource;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;

import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.WatcherStatus;

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
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.event.Event;

/**
 * The reply collector in a real Karaf, reading GreenMail mailboxes over IMAPS: replies tied to their threads
 * however they are threaded, never doubled, never missed across restarts and switches, and the recruiter's own mail
 * left alone.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RepliesIT extends MailTestSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email", "talentats-email-greenmail"),
            etcConfig("io.talentats.email.router", "retry.initial.delay.ms", "300"),
            etcConfig("io.talentats.email.replies", "poll.interval.s", "1"),
            etcConfig("io.talentats.email.replies", "max.backoff.s", "1"),
            mailConfig("connect.timeout.ms", "2000"),
            mailConfig("read.timeout.ms", "5000"),
            etcConfig("org.ops4j.pax.logging", "log4j2.logger.replies.name", "io.talentats.email.replies"),
            etcConfig("org.ops4j.pax.logging", "log4j2.logger.replies.level", "DEBUG")
        };
    }

    /** A recruiter, a candidate and a message sent from one to the other; returns the sent record. */
    private MessageRecord sent(String user, String candidate, String thread) {
        OutboundMessage m = message(user, MessageKind.CUSTOM, candidate).threadId(thread)
                .candidateId("cand-" + thread).build();
        try {
            return awaitStatus(router().submit(m).messageId(), MessageStatus.SENT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String newRecruiter() throws Exception {
        String address = "rec-" + UUID.randomUUID().toString().substring(0, 8) + "@talentats.test";
        String user = recruiter(address, mail.smtpsPort());
        await("watching " + user, Duration.ofSeconds(20), () -> watcher(user) != null
                && (watcher(user).mode() == WatcherStatus.Mode.IDLE || watcher(user).mode() == WatcherStatus.Mode.POLL));
        return user;
    }

    private WatcherStatus watcher(String user) {
        ServiceReference<ReplyCollector> ref = context.getServiceReference(ReplyCollector.class);
        if (ref == null) {
            return null;
        }
        return context.getService(ref).watchers().stream().filter(w -> w.userId().equals(user)).findFirst()
                .orElse(null);
    }

    private String address(String user) {
        return settings.get(user).orElseThrow().emailAddress();
    }

    /** The candidate writes to the recruiter, through the SMTP server, as a mail client would. */
    private MessageRecord awaitReply(String thread, String fromCandidate, Duration within) {
        await("a reply from " + fromCandidate + " in thread " + thread, within, () -> inbound(thread).stream()
                .anyMatch(r -> r.from() != null && r.from().contains(fromCandidate)));
        return inbound(thread).stream().filter(r -> r.from().contains(fromCandidate)).findFirst().orElseThrow();
    }

    private List<MessageRecord> inbound(String thread) {
        return history.forThread(thread, PageRequest.first(100)).items().stream()
                .filter(r -> r.direction() == MessageRecord.Direction.INBOUND).toList();
    }

    @Test
    public void aReplyReachesTheEventWithinSecondsOnTheIdlePathWithItsQuotesStripped() throws Exception {
        List<Event> events = collect(EmailEvents.REPLY_RECEIVED);
        String user = newRecruiter();
        assertEquals(WatcherStatus.Mode.IDLE, watcher(user).mode());
        String thread = "t-" + UUID.randomUUID();
        MessageRecord out = sent(user, "cand-a@candidates.test", thread);
        long start = System.nanoTime();
        reply("cand-a@candidates.test", address(user), "Re: " + out.subject(),
                "Thanks, Tuesday works for me.\n\nOn Mon, Jane Doe wrote:\n> Hello,\n> thanks for applying.\n",
                out.internetMessageId(), out.internetMessageId());
        await("REPLY_RECEIVED", Duration.ofSeconds(10), () -> events.stream()
                .anyMatch(e -> out.id().equals(e.getProperty(EmailEvents.IN_REPLY_TO))));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue("announced in " + millis + " ms", millis < 5000);
        Event e = events.stream().filter(x -> out.id().equals(x.getProperty(EmailEvents.IN_REPLY_TO))).findFirst()
                .orElseThrow();
        assertEquals(thread, e.getProperty(EmailEvents.THREAD_ID));
        assertEquals(user, e.getProperty(EmailEvents.USER_ID));
        MessageRecord r = history.find((String) e.getProperty(EmailEvents.MESSAGE_ID)).orElseThrow();
        assertEquals(MessageStatus.RECEIVED, r.status());
        assertEquals(out.id(), r.inReplyTo());
        assertEquals("cand-" + thread, r.candidateId());
        assertEquals("Thanks, Tuesday works for me.", r.replyText());
        assertTrue(r.textBody().contains("> thanks for applying."));
    }

    @Test
    public void repliesAreTiedByReferencesAloneByATokenThatSurvivedARewrittenIdAndByTheirSender() throws Exception {
        String user = newRecruiter();
        String t1 = "t-" + UUID.randomUUID();
        String t2 = "t-" + UUID.randomUUID();
        String t3 = "t-" + UUID.randomUUID();
        MessageRecord m1 = sent(user, "cand-b@candidates.test", t1);
        MessageRecord m2 = sent(user, "cand-c@candidates.test", t2);
        MessageRecord m3 = sent(user, "cand-d@candidates.test", t3);
        reply("cand-b@candidates.test", address(user), "Re: one", "By references", null,
                "<older@elsewhere.test> " + m1.internetMessageId());
        // A relay rewrote our Message-ID's domain; the token in it survived.
        String rewritten = m2.internetMessageId().replace("@talentats.test>", "@outbound.relay.example>");
        reply("cand-c@candidates.test", address(user), "Re: two", "Through a relay", rewritten, null);
        // A client that drops every threading header: tied by the sender, the candidate of one recent thread.
        reply("cand-d@candidates.test", address(user), "About the job", "No headers at all", null, null);
        assertEquals(m1.id(), awaitReply(t1, "cand-b", Duration.ofSeconds(15)).inReplyTo());
        assertEquals(m2.id(), awaitReply(t2, "cand-c", Duration.ofSeconds(15)).inReplyTo());
        assertEquals(m3.id(), awaitReply(t3, "cand-d", Duration.ofSeconds(15)).inReplyTo());
    }

    @Test
    public void unrelatedMailAndOurOwnCopiesAreLeftAloneAndAnAmbiguousSenderGoesToTriage() throws Exception {
        String user = newRecruiter();
        String t1 = "t-" + UUID.randomUUID();
        String t2 = "t-" + UUID.randomUUID();
        MessageRecord a = sent(user, "cand-e@candidates.test", t1);
        sent(user, "cand-e@candidates.test", t2);
        reply("friend@private.test", address(user), "Dinner on Friday?", "Private mail", null, null);
        // A copy of our own message landing in the inbox (the recruiter copied themselves).
        sessions.call(() -> {
            GreenMailUser u = mail.greenMail().getUserManager().getUser(address(user));
            MimeMessage copy = new MimeMessage(Session.getInstance(new Properties()));
            copy.setFrom(new InternetAddress(address(user)));
            copy.setRecipient(Message.RecipientType.TO, new InternetAddress("cand-e@candidates.test"));
            copy.setSubject(a.subject());
            copy.setText("copy");
            copy.saveChanges();
            copy.setHeader("Message-ID", a.internetMessageId());
            u.deliver(copy);
            return null;
        });
        String marker = reply("cand-e@candidates.test", address(user), "Question", "Which of my applications?",
                null, null);
        await("the ambiguous reply in triage", Duration.ofSeconds(15), () -> history.triage(PageRequest.first(100))
                .items().stream().anyMatch(r -> marker.equals(r.internetMessageId())));
        MessageRecord triaged = history.triage(PageRequest.first(100)).items().stream()
                .filter(r -> marker.equals(r.internetMessageId())).findFirst().orElseThrow();
        assertNull(triaged.threadId());
        assertTrue(triaged.failureReason(), triaged.failureReason().contains("2 recent threads"));
        // Everything else in the mailbox was read by now (the triaged message came last) and nothing was recorded.
        assertTrue(history.forUser(user, PageRequest.first(100)).items().stream()
                .filter(r -> r.direction() == MessageRecord.Direction.INBOUND)
                .allMatch(r -> r.status() == MessageStatus.TRIAGE));
    }

    @Test
    public void aReplyAlreadyReadIsCollectedAndTheCollectorNeverMarksMailRead() throws Exception {
        String user = newRecruiter();
        String thread = "t-" + UUID.randomUUID();
        MessageRecord out = sent(user, "cand-f@candidates.test", thread);
        connectivity.setEnabled(false);
        await("the watcher stopped", Duration.ofSeconds(10),
                () -> watcher(user) != null && watcher(user).mode() == WatcherStatus.Mode.STOPPED);
        String read = reply("cand-f@candidates.test", address(user), "Re: read", "Read on my phone first",
                out.internetMessageId(), null);
        String unread = reply("cand-f@candidates.test", address(user), "Re: unread", "Not read yet",
                out.internetMessageId(), null);
        await("both delivered", Duration.ofSeconds(10), () -> inboxMessage(user, read) != null
                && inboxMessage(user, unread) != null);
        inboxMessage(user, read).setFlag(Flags.Flag.SEEN, true);
        connectivity.setEnabled(true);
        await("both collected after connectivity is back", Duration.ofSeconds(20), () -> inbound(thread).size() == 2);
        assertTrue(inboxMessage(user, read).isSet(Flags.Flag.SEEN));
        assertFalse("the collector reads with BODY.PEEK", inboxMessage(user, unread).isSet(Flags.Flag.SEEN));
    }

    @Test
    public void aRestartedCollectorNeitherDoublesNorMissesAndAUidValidityChangeIsSafe() throws Exception {
        String user = newRecruiter();
        String thread = "t-" + UUID.randomUUID();
        MessageRecord out = sent(user, "cand-g@candidates.test", thread);
        reply("cand-g@candidates.test", address(user), "Re: 1", "first", out.internetMessageId(), null);
        awaitReply(thread, "cand-g", Duration.ofSeconds(15));
        Bundle replies = bundle("io.talentats.email.replies");
        replies.stop();
        reply("cand-g@candidates.test", address(user), "Re: 2", "second, while stopped", out.internetMessageId(), null);
        replies.start();
        await("the reply sent while stopped is collected", Duration.ofSeconds(20), () -> inbound(thread).size() == 2);

        // The server renumbers the folder (UIDVALIDITY changes): everything is read again, nothing doubled.
        DataSource ds = context.getService(context.getServiceReferences(DataSource.class,
                "(dataSourceName=talentats-email)").iterator().next());
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE email_mailbox_checkpoint SET uid_validity = 1 WHERE user_id = ?")) {
            ps.setString(1, user);
            assertEquals(1, ps.executeUpdate());
        }
        reply("cand-g@candidates.test", address(user), "Re: 3", "third", out.internetMessageId(), null);
        await("the third reply is collected", Duration.ofSeconds(20), () -> inbound(thread).size() >= 3);
        assertEquals(3, inbound(thread).size());
    }

    @Test
    public void aMalformedMessageIsQuarantinedAndTheNextOneIsCollected() throws Exception {
        String user = newRecruiter();
        String thread = "t-" + UUID.randomUUID();
        MessageRecord out = sent(user, "cand-h@candidates.test", thread);
        String broken = "<" + UUID.randomUUID() + "@candidate.test>";
        sessions.call(() -> {
            GreenMailUser u = mail.greenMail().getUserManager().getUser(address(user));
            String raw = "From: cand-h@candidates.test\r\nTo: " + address(user) + "\r\nSubject: Re: broken\r\n"
                    + "Message-ID: " + broken + "\r\nIn-Reply-To: " + out.internetMessageId() + "\r\n"
                    + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Transfer-Encoding: base64\r\n\r\n!!!! this is not base64 @@@@\r\n";
            u.deliver(new MimeMessage(Session.getInstance(new Properties()),
                    new java.io.ByteArrayInputStream(raw.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
            return null;
        });
        reply("cand-h@candidates.test", address(user), "Re: fine", "This one is fine", out.internetMessageId(), null);
        MessageRecord good = awaitReply(thread, "cand-h", Duration.ofSeconds(15));
        await("the good one", Duration.ofSeconds(15), () -> inbound(thread).stream()
                .anyMatch(r -> "This one is fine".equals(r.replyText())));
        MessageRecord q = history.forUser(user, PageRequest.first(100)).items().stream()
                .filter(r -> broken.equals(r.internetMessageId())).findFirst().orElseThrow();
        assertEquals(MessageStatus.QUARANTINED, q.status());
        assertTrue(q.failureReason(), q.failureReason().contains("cannot be read"));
        assertEquals(MessageStatus.RECEIVED, good.status());
    }

    @Test
    public void thePollPathCollectsWhenIdleIsOff() throws Exception {
        setConfig("io.talentats.email.replies", "idle", false);
        try {
            String user = newRecruiter();
            await("polling", Duration.ofSeconds(20), () -> watcher(user) != null
                    && watcher(user).mode() == WatcherStatus.Mode.POLL);
            String thread = "t-" + UUID.randomUUID();
            MessageRecord out = sent(user, "cand-i@candidates.test", thread);
            reply("cand-i@candidates.test", address(user), "Re: poll", "by polling", out.internetMessageId(), null);
            assertEquals(out.id(), awaitReply(thread, "cand-i", Duration.ofSeconds(15)).inReplyTo());
        } finally {
            setConfig("io.talentats.email.replies", "idle", true);
        }
    }

    @Test
    public void disconnectingStopsTheWatcherAndSwitchingConnectivityOffStopsThemAll() throws Exception {
        String user = newRecruiter();
        String other = newRecruiter();
        settings.disconnect(user);
        await("the disconnected account is no longer watched", Duration.ofSeconds(10), () -> watcher(user) == null);
        connectivity.setEnabled(false);
        await("no watcher running while connectivity is off", Duration.ofSeconds(10),
                () -> watcher(other) != null && watcher(other).mode() == WatcherStatus.Mode.STOPPED);
        connectivity.setEnabled(true);
        await("the other account is watched again", Duration.ofSeconds(20), () -> watcher(other) != null
                && watcher(other).mode() == WatcherStatus.Mode.IDLE);
        assertNull(watcher(user));
    }

    /** The message with this Message-ID in the user's GreenMail INBOX, or {@code null}. */
    private StoredMessage inboxMessage(String user, String messageId) {
        try {
            GreenMailUser u = mail.greenMail().getUserManager().getUser(address(user));
            MailFolder inbox = mail.greenMail().getManagers().getImapHostManager().getInbox(u);
            for (StoredMessage m : inbox.getMessages()) {
                if (messageId.equals(m.getMimeMessage().getMessageID())) {
                    return m;
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
