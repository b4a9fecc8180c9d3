package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import com.icegreen.greenmail.user.GreenMailUser;

import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.MessageEvent;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.Suppressions;
import io.talentats.email.api.WatcherStatus;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.event.Event;

/**
 * Delivery reports and automatic answers arriving in a watched GreenMail mailbox, as real servers write them (the
 * classifier's fixtures, addressed to the message actually sent): a hard bounce marks the message BOUNCED with the
 * server's words and suppresses the address, a delay marks it DELAYED, an out-of-office reply stays in the thread as
 * an automatic one, a read receipt lands on the timeline, list mail is left alone.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BouncesIT extends MailTestSupport {

    private static final String FIXTURE_ID = "<abcdefghijklmnopqrstuvwxyz.t@ats.example.com>";

    @Inject
    private Suppressions suppressions;

    @Inject
    private ReplyCollector collector;

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email", "talentats-email-greenmail"),
            etcConfig("io.talentats.email.router", "retry.initial.delay.ms", "300"),
            mailConfig("connect.timeout.ms", "2000"),
            mailConfig("read.timeout.ms", "5000"),
            systemProperty("fixtures").value(new File("../bundles/replies/src/test/resources/classifier")
                    .getAbsolutePath())
        };
    }

    private String watchedRecruiter() throws Exception {
        String address = "rec-" + UUID.randomUUID().toString().substring(0, 8) + "@talentats.test";
        String user = recruiter(address, mail.smtpsPort());
        await("watching " + user, Duration.ofSeconds(20), () -> watcher(user) != null
                && watcher(user).mode() == WatcherStatus.Mode.IDLE);
        return user;
    }

    private WatcherStatus watcher(String user) {
        return collector.watchers().stream().filter(w -> w.userId().equals(user)).findFirst().orElse(null);
    }

    private MessageRecord sent(String user, MessageKind kind, String to, String thread) {
        try {
            return awaitStatus(router().submit(message(user, kind, to).threadId(thread).build()).messageId(),
                    MessageStatus.SENT);
        } catch (MessageRejectedException e) {
            throw new AssertionError(e);
        }
    }

    /** A fixture delivered to the user's mailbox, about {@code about}: the original's id and recipient replaced. */
    private void deliver(String user, String fixture, MessageRecord about, String recipient) throws Exception {
        String text = Files.readString(Paths.get(System.getProperty("fixtures"), fixture + ".eml"),
                StandardCharsets.UTF_8).replace(FIXTURE_ID, about.internetMessageId());
        if (recipient != null) {
            text = text.replace(recipientOf(fixture), recipient);
        }
        String address = settings.get(user).orElseThrow().emailAddress();
        String eml = text;
        sessions.call(() -> {
            GreenMailUser u = mail.greenMail().getUserManager().getUser(address);
            u.deliver(new MimeMessage(Session.getInstance(new Properties()),
                    new java.io.ByteArrayInputStream(eml.getBytes(StandardCharsets.UTF_8))));
            return null;
        });
    }

    private static String recipientOf(String fixture) {
        return switch (fixture) {
            case "bounce-postfix-unknown-user" -> "nobody@candidates.example";
            case "bounce-exim-unstructured" -> "pat@exim.example";
            case "delay-postfix-warning" -> "slow@candidates.example";
            default -> "sam@candidates.example";
        };
    }

    private List<MessageEvent> timeline(String id) {
        return history.events(id);
    }

    @Test
    public void aHardBounceMarksTheMessageAndTheAddressIsRefusedUntilCleared() throws Exception {
        List<Event> bounced = collect(EmailEvents.MESSAGE_BOUNCED);
        List<Event> delayed = collect(EmailEvents.MESSAGE_DELAYED);
        String user = watchedRecruiter();
        String to = "typo-" + UUID.randomUUID().toString().substring(0, 6) + "@candidates.test";
        MessageRecord out = sent(user, MessageKind.CUSTOM, to, "t-" + UUID.randomUUID());

        deliver(user, "delay-postfix-warning", out, to);
        await("DELAYED", Duration.ofSeconds(15), () -> history.find(out.id()).orElseThrow().status()
                == MessageStatus.DELAYED);
        // EventAdmin delivers after the status is committed: wait for the event, do not just look
        await("message/DELAYED", Duration.ofSeconds(10), () -> delayed.stream().anyMatch(e -> out.id().equals(
                e.getProperty(EmailEvents.MESSAGE_ID)) && "4.4.1".equals(e.getProperty(EmailEvents.STATUS_CODE))));

        deliver(user, "bounce-postfix-unknown-user", out, to);
        await("BOUNCED", Duration.ofSeconds(15), () -> history.find(out.id()).orElseThrow().status()
                == MessageStatus.BOUNCED);
        MessageRecord r = history.find(out.id()).orElseThrow();
        assertTrue(r.failureReason(), r.failureReason().contains("5.1.1") && r.failureReason().contains(to)
                && r.failureReason().contains("User unknown"));
        assertTrue("on the timeline", timeline(out.id()).stream().anyMatch(e -> e.status() == MessageStatus.BOUNCED));
        await("message/BOUNCED", Duration.ofSeconds(10), () -> bounced.stream().anyMatch(e -> out.id().equals(
                e.getProperty(EmailEvents.MESSAGE_ID)) && "5.1.1".equals(e.getProperty(EmailEvents.STATUS_CODE))));
        assertTrue("no reply", history.forThread(out.threadId(), PageRequest.first(10)).items().stream()
                .noneMatch(m -> m.direction() == MessageRecord.Direction.INBOUND));
        assertEquals(0, watcher(user).repliesCollected());

        await("suppressed", Duration.ofSeconds(5), () -> suppressions.list(user).stream()
                .anyMatch(s -> s.address().equals(to) && "5.1.1".equals(s.statusCode())));
        try {
            router().submit(message(user, MessageKind.CUSTOM, to).build());
            fail("a message to a bounced address is refused");
        } catch (MessageRejectedException e) {
            assertEquals(MessageRejectedException.Reason.RECIPIENT_BOUNCED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains(to));
        }
        // The same report again changes nothing and announces nothing
        int before = bounced.size();
        deliver(user, "bounce-postfix-unknown-user", out, to);
        MessageRecord marker = sent(user, MessageKind.CUSTOM, "other@candidates.test", "t-" + UUID.randomUUID());
        deliver(user, "ooo-exchange-en", marker, null);
        await("the mailbox read past the second report", Duration.ofSeconds(15), () -> history.forThread(
                marker.threadId(), PageRequest.first(10)).items().size() == 2);
        assertEquals(before, bounced.size());

        assertTrue(suppressions.clear(user, to));
        sent(user, MessageKind.CUSTOM, to, "t-" + UUID.randomUUID());

        // The candidate's address went through the reports, the bounce, the refusal: our log names ids, never it
        List<String> ours = Files.readAllLines(Paths.get(System.getProperty("karaf.data"), "log", "karaf.log"),
                StandardCharsets.UTF_8).stream().filter(l -> l.contains(" - io.talentats.email.")).toList();
        assertTrue("our bundles logged", ours.stream().anyMatch(l -> l.contains(out.id())));
        assertEquals(List.of(), ours.stream().filter(l -> l.contains(to)).toList());
    }

    @Test
    public void outOfOfficeStaysInTheThreadAsAutomaticAndReceiptsAndListsAreNoReplies() throws Exception {
        List<Event> replies = collect(EmailEvents.REPLY_RECEIVED);
        List<Event> automatic = collect(EmailEvents.REPLY_AUTOMATIC);
        String user = watchedRecruiter();
        String thread = "t-" + UUID.randomUUID();
        MessageRecord out = sent(user, MessageKind.CUSTOM, "sam@candidates.example", thread);

        deliver(user, "ooo-exchange-de", out, null);
        deliver(user, "receipt-outlook", out, null);
        deliver(user, "list-mailman", out, null);
        deliver(user, "reply-outlook-suppress-alone", out, null);
        await("the candidate's own reply", Duration.ofSeconds(15), () -> replies.stream()
                .anyMatch(e -> out.id().equals(e.getProperty(EmailEvents.IN_REPLY_TO))));
        List<MessageRecord> inbound = history.forThread(thread, PageRequest.first(10)).items().stream()
                .filter(m -> m.direction() == MessageRecord.Direction.INBOUND).toList();
        assertEquals("the out-of-office notice and the reply; no receipt, no list mail", 2, inbound.size());
        MessageRecord ooo = inbound.stream().filter(m -> m.kind() == MessageKind.AUTO_REPLY).findFirst()
                .orElseThrow();
        assertTrue(ooo.subject(), ooo.subject().startsWith("Automatische Antwort"));
        await("reply/AUTOMATIC", Duration.ofSeconds(10), () -> automatic.stream().anyMatch(e -> ooo.id().equals(
                e.getProperty(EmailEvents.MESSAGE_ID))));
        assertFalse(replies.stream().anyMatch(e -> ooo.id().equals(e.getProperty(EmailEvents.MESSAGE_ID))));
        assertEquals("only the candidate's reply counts", 1, watcher(user).repliesCollected());
        assertTrue("the read receipt on the timeline", timeline(out.id()).stream()
                .anyMatch(e -> e.detail() != null && e.detail().startsWith("read receipt")));
        assertEquals(MessageStatus.SENT, history.find(out.id()).orElseThrow().status());
    }

    @Test
    public void aBounceOfPlatformMailReachesThePlatformMailboxByItsReturnPath() throws Exception {
        List<Event> bounced = collect(EmailEvents.MESSAGE_BOUNCED);
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration("io.talentats.email.platform", "?");
        java.util.Dictionary<String, Object> p = c.getProperties();
        p.put("return.path", "platform@platform.test");
        p.put("imap.host", "localhost");
        p.put("imap.port", mail.imapPort());
        p.put("imap.security", "NONE");
        c.update(p);
        await("the platform mailbox watched", Duration.ofSeconds(20), () -> watcher("*platform*") != null
                && watcher("*platform*").mode() == WatcherStatus.Mode.IDLE);
        String nobody = "nobody-" + UUID.randomUUID().toString().substring(0, 6) + "@candidates.test";
        String user = "no-account-" + UUID.randomUUID();
        MessageRecord out = awaitStatus(router().submit(message(user, MessageKind.STAGE_CHANGE, nobody).build())
                .messageId(), MessageStatus.SENT);
        assertEquals(io.talentats.email.api.Route.PLATFORM, out.route());
        String token = out.internetMessageId().substring(1, out.internetMessageId().indexOf(".t@"));

        // The report comes to the sub-address of the return path and carries no original: the token ties it
        String text = Files.readString(Paths.get(System.getProperty("fixtures"), "bounce-dsn-without-original.eml"),
                StandardCharsets.UTF_8).replace("x@no-such-domain.example", nobody)
                .replace("To: jane@ats.example.com", "To: platform+tats-" + token + "@platform.test\nDelivered-To: "
                        + "platform+tats-" + token + "@platform.test");
        sessions.call(() -> {
            GreenMailUser u = mail.greenMail().getUserManager().getUser("platform@platform.test");
            u.deliver(new MimeMessage(Session.getInstance(new Properties()),
                    new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8))));
            return null;
        });
        await("BOUNCED", Duration.ofSeconds(15), () -> history.find(out.id()).orElseThrow().status()
                == MessageStatus.BOUNCED);
        await("message/BOUNCED", Duration.ofSeconds(10), () -> bounced.stream().anyMatch(e -> out.id().equals(
                e.getProperty(EmailEvents.MESSAGE_ID))));
        assertTrue("suppressed for platform mail", suppressions.list("*platform*").stream()
                .anyMatch(s -> s.address().equals(nobody)));
        try {
            router().submit(message("another-" + UUID.randomUUID(), MessageKind.STAGE_CHANGE, nobody).build());
            fail("platform mail to an address that bounced is refused");
        } catch (MessageRejectedException e) {
            assertEquals(MessageRejectedException.Reason.RECIPIENT_BOUNCED, e.reason());
        }
    }

    @Test
    public void automatedMailCarriesAutoSubmittedAndCustomMailDoesNot() throws Exception {
        String user = watchedRecruiter();
        MessageRecord stage = sent(user, MessageKind.STAGE_CHANGE, "stage@candidates.test", "t-" + UUID.randomUUID());
        MessageRecord custom = sent(user, MessageKind.CUSTOM, "custom@candidates.test", "t-" + UUID.randomUUID());
        MimeMessage s = find(mail.greenMail(), "stage@candidates.test", stage.subject());
        MimeMessage c = find(mail.greenMail(), "custom@candidates.test", custom.subject());
        assertEquals("auto-generated", s.getHeader("Auto-Submitted")[0]);
        assertEquals(null, c.getHeader("Auto-Submitted"));
    }
}
