package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.icegreen.greenmail.util.GreenMail;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Attachment;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.Route;
import io.talentats.email.api.Security;
import io.talentats.email.api.SubmitReceipt;
import io.talentats.email.itests.support.TcpProxy;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.spi.MailProvider;

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
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.event.Event;

/**
 * The router, outbox and history in a real Karaf, delivering to GreenMail: who the mail comes from, that nothing
 * is lost or doubled through failures and restarts, limits, the Sent copy, and what the history records.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RouterIT extends MailTestSupport {

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email", "talentats-email-greenmail"),
            etcConfig("io.talentats.email.router", "retry.initial.delay.ms", "300"),
            etcConfig("io.talentats.email.router", "retry.max.delay.ms", "2000"),
            etcConfig("io.talentats.email.router", "retry.max.attempts", "30"),
            etcConfig("io.talentats.email.router", "smtp.idle.close.ms", "1000"),
            // The trust and the connect timeout in their place before an upgrade (etc/io.talentats.email.cfg)
            legacyTrust("2000"),
            mailConfig("read.timeout.ms", "5000")
        };
    }

    @Test
    public void keysLeftInTheirPlaceBeforeAnUpgradeStillApply() throws Exception {
        // servers() waited for the mail sessions to trust the certificate named only in etc/io.talentats.email.cfg;
        // every test here then sends over TLS to a server with that certificate
        assertEquals(Duration.ofMillis(2000), sessions.connectTimeout());
        assertEquals(Duration.ofMillis(5000), sessions.readTimeout());
        assertEquals(certs.pem().toString(), config("io.talentats.email.mail").get("trusted.certificates"));
        // The old place is left as the operator wrote it: the warning asks them to remove it
        assertEquals(certs.pem().toString(), config("io.talentats.email").get("trusted.certificates"));
    }

    @Test
    public void customMessagesNeedTheRecruitersOwnMailbox() throws Exception {
        String stranger = "no-account-" + UUID.randomUUID();
        try {
            router().submit(message(stranger, MessageKind.CUSTOM, "cand1@candidates.test").build());
            fail("a custom message without an account was accepted");
        } catch (MessageRejectedException e) {
            assertEquals(MessageRejectedException.Reason.ACCOUNT_NOT_CONNECTED, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("Connect your email account"));
        }
        String user = recruiter("jane.custom@talentats.test", mail.smtpsPort());
        OutboundMessage m = message(user, MessageKind.CUSTOM, "cand1@candidates.test").threadId("thr-" + user)
                .attach(new Attachment("notes.txt", "text/plain", "notes".getBytes(StandardCharsets.UTF_8))).build();
        SubmitReceipt r = router().submit(m);
        assertEquals(Route.USER_SMTP, r.route());
        MimeMessage got = awaitReceived("cand1@candidates.test", m.subject());
        assertEquals(new InternetAddress("jane.custom@talentats.test", "Jane Doe"), got.getFrom()[0]);
        assertTrue("no separate Reply-To", got.getReplyTo() == null || got.getReplyTo()[0].equals(got.getFrom()[0]));
        MessageRecord rec = awaitStatus(r.messageId(), MessageStatus.SENT);
        assertEquals(got.getMessageID(), rec.internetMessageId());
        assertTrue(rec.lastServerReply(), rec.lastServerReply().startsWith("250"));
        assertEquals(1, rec.attachments().size());
        await("the copy in the Sent folder", Duration.ofSeconds(15),
                () -> router().status(r.messageId()).orElseThrow().sentCopy() == MessageRecord.SentCopy.SAVED);
        assertTrue(subjectsIn("jane.custom@talentats.test", "Sent").contains(m.subject()));
    }

    @Test
    public void systemMailGoesThroughTheRecruitersMailboxWhenConnectedElseThePlatformOnTheirBehalf()
            throws Exception {
        OutboundMessage viaPlatform = message("nobody-" + UUID.randomUUID(), MessageKind.STAGE_CHANGE,
                "cand2@candidates.test").build();
        SubmitReceipt p = router().submit(viaPlatform);
        assertEquals(Route.PLATFORM, p.route());
        MimeMessage got = awaitReceived("cand2@candidates.test", viaPlatform.subject());
        InternetAddress from = (InternetAddress) got.getFrom()[0];
        assertEquals("noreply@platform.test", from.getAddress());
        assertEquals("Jane Doe via talentATS", from.getPersonal());
        assertEquals("jane.doe@corp.test", ((InternetAddress) got.getReplyTo()[0]).getAddress());
        assertEquals("auto-generated", got.getHeader("Auto-Submitted")[0]);
        MessageRecord rec = awaitStatus(p.messageId(), MessageStatus.SENT);
        assertEquals(Route.PLATFORM, rec.route());
        assertTrue(rec.routeReason(), rec.routeReason().contains("no email account is connected"));
        assertEquals(MessageRecord.SentCopy.NONE, rec.sentCopy());

        String user = recruiter("jane.stage@talentats.test", mail.smtpsPort());
        OutboundMessage own = message(user, MessageKind.INTERVIEW_INVITATION, "cand2@candidates.test").build();
        assertEquals(Route.USER_SMTP, router().submit(own).route());
        MimeMessage viaOwn = awaitReceived("cand2@candidates.test", own.subject());
        assertEquals("jane.stage@talentats.test", ((InternetAddress) viaOwn.getFrom()[0]).getAddress());
    }

    @Test
    public void nothingIsLostWhileTheServerIsDownAndEachRetryIsTheSameMessage() throws Exception {
        int port = Integer.parseInt(freePort());
        String user = recruiter("jane.down@talentats.test", port);
        List<String> ids = new ArrayList<>();
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            OutboundMessage m = message(user, MessageKind.CUSTOM, "cand3@candidates.test").build();
            subjects.add(m.subject());
            ids.add(router().submit(m).messageId());
        }
        await("retries scheduled while the server is down", Duration.ofSeconds(20), () -> ids.stream()
                .allMatch(id -> router().status(id).orElseThrow().attempts() >= 1));
        MessageRecord retrying = router().status(ids.get(0)).orElseThrow();
        assertTrue(retrying.status().pending());
        assertTrue(retrying.failureReason(), retrying.failureReason().contains("could not be reached"));
        assertEquals(AccountHealth.State.UNREACHABLE, settings.get(user).orElseThrow().health().state());

        GreenMail late = startSmtps(port);
        try {
            late.setUser("jane.down@talentats.test", "jane.down@talentats.test", PASSWORD);
            for (int i = 0; i < ids.size(); i++) {
                MessageRecord sent = awaitStatus(ids.get(i), MessageStatus.SENT);
                assertTrue(sent.attempts() >= 2);
                final String subject = subjects.get(i);
                await("delivered once", Duration.ofSeconds(20), () -> count(late, "cand3@candidates.test", subject) == 1);
                assertEquals(sent.internetMessageId(), find(late, "cand3@candidates.test", subject).getMessageID());
            }
            await("healthy again", Duration.ofSeconds(10),
                    () -> settings.get(user).orElseThrow().health().isHealthy());
        } finally {
            late.stop();
        }
    }

    @Test
    public void aRouterRestartMidQueueDeliversEveryMessageOnce() throws Exception {
        // A sending limit spreads the 150 messages over a few seconds, so the restart surely comes mid-queue.
        ServiceRegistration<MailProvider> paced = preset("paced", "paced.test", "40/PT1S", false);
        try {
            String user = recruiter("jane.restart@paced.test", mail.smtpsPort());
            String to = "cand4-" + UUID.randomUUID() + "@candidates.test";
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 150; i++) {
                ids.add(router().submit(message(user, MessageKind.CUSTOM, to).subject("restart " + i).build())
                        .messageId());
            }
            await("sending under way", Duration.ofSeconds(30), () -> ids.stream()
                    .filter(id -> history.find(id).orElseThrow().status() == MessageStatus.SENT).count() >= 20);
            Bundle routerBundle = bundle("io.talentats.email.router");
            long sentBeforeRestart;
            routerBundle.stop();
            try {
                sentBeforeRestart = ids.stream()
                        .filter(id -> history.find(id).orElseThrow().status() == MessageStatus.SENT).count();
            } finally {
                routerBundle.start();
            }
            assertTrue("the restart must come mid-queue, but " + sentBeforeRestart + " of 150 were sent before it",
                    sentBeforeRestart < 150);
            await("all 150 sent", Duration.ofSeconds(60), () -> ids.stream()
                    .allMatch(id -> history.find(id).orElseThrow().status() == MessageStatus.SENT));
            await("all 150 received", Duration.ofSeconds(20), () -> received(to).size() >= 150);
            List<MimeMessage> got = received(to);
            Set<String> distinct = new HashSet<>();
            for (MimeMessage m : got) {
                distinct.add(m.getSubject());
            }
            assertEquals("distinct messages (" + sentBeforeRestart + " were sent before the restart)", 150,
                    distinct.size());
            assertEquals("messages received, duplicates included", 150, got.size());
        } finally {
            paced.unregister();
        }
    }

    @Test
    public void theSameIdempotencyKeyGivesOneMessage() throws Exception {
        String user = recruiter("jane.idem@talentats.test", mail.smtpsPort());
        OutboundMessage m = message(user, MessageKind.CUSTOM, "cand5@candidates.test").idempotencyKey("k-1").build();
        SubmitReceipt first = router().submit(m);
        SubmitReceipt again = router().submit(m);
        assertFalse(first.duplicate());
        assertTrue(again.duplicate());
        assertEquals(first.messageId(), again.messageId());
        awaitStatus(first.messageId(), MessageStatus.SENT);
        awaitReceived("cand5@candidates.test", m.subject());
        assertEquals(1, count(mail.greenMail(), "cand5@candidates.test", m.subject()));
    }

    @Test
    public void theProvidersSendingLimitHoldsAndOverflowWaitsInTheQueue() throws Exception {
        ServiceRegistration<MailProvider> limited = preset("ratelimited", "ratelimited.test", "3/PT2S", false);
        try {
            String user = recruiter("jane@ratelimited.test", mail.smtpsPort());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(router().submit(message(user, MessageKind.CUSTOM, "cand6@candidates.test").build()).messageId());
            }
            List<MessageRecord> sent = new ArrayList<>();
            for (String id : ids) {
                sent.add(awaitStatus(id, MessageStatus.SENT));
            }
            sent.sort((a, b) -> a.completedAt().compareTo(b.completedAt()));
            for (int i = 3; i < 6; i++) {
                long gap = Duration.between(sent.get(i - 3).completedAt(), sent.get(i).completedAt()).toMillis();
                assertTrue("message " + i + " went " + gap + " ms after message " + (i - 3), gap >= 1900);
            }
            assertTrue(history.events(sent.get(5).id()).stream()
                    .anyMatch(e -> e.detail() != null && e.detail().contains("sending limit")));
        } finally {
            limited.unregister();
        }
    }

    @Test
    public void noSentCopyForAProviderThatFilesSentMailItself() throws Exception {
        ServiceRegistration<MailProvider> files = preset("files-sent", "filessent.test", null, true);
        try {
            String user = recruiter("jane@filessent.test", mail.smtpsPort());
            OutboundMessage m = message(user, MessageKind.CUSTOM, "cand7@candidates.test").build();
            String id = router().submit(m).messageId();
            MessageRecord rec = awaitStatus(id, MessageStatus.SENT);
            assertEquals(MessageRecord.SentCopy.SKIPPED, rec.sentCopy());
            assertFalse(subjectsIn("jane@filessent.test", "Sent").contains(m.subject()));
        } finally {
            files.unregister();
        }
    }

    @Test
    public void headerInjectionAndBadAddressesAreRejected() throws Exception {
        String user = recruiter("jane.inject@talentats.test", mail.smtpsPort());
        for (OutboundMessage bad : List.of(
                message(user, MessageKind.CUSTOM, "cand@candidates.test").subject("Hi\r\nBcc: victim@evil.test").build(),
                message(user, MessageKind.CUSTOM, "cand@candidates.test\r\nBcc: victim@evil.test").build(),
                message(user, MessageKind.CUSTOM, "not-an-address").build(),
                message(user, MessageKind.STAGE_CHANGE, "cand@candidates.test").senderName("Jane\nBcc: x@evil.test")
                        .build())) {
            try {
                router().submit(bad);
                fail("accepted " + bad);
            } catch (MessageRejectedException e) {
                assertEquals(MessageRejectedException.Reason.INVALID_MESSAGE, e.reason());
                assertFalse(e.errors().isEmpty());
            }
        }
    }

    @Test
    public void aRefusedLoginMarksTheAccountAndSystemMailFallsBackToThePlatform() throws Exception {
        List<Event> health = collect(EmailEvents.ACCOUNT_HEALTH);
        String user = recruiter("jane.auth@talentats.test", mail.smtpsPort());
        mail.greenMail().getUserManager().getUser("jane.auth@talentats.test").setPassword("changed-elsewhere");
        OutboundMessage stage = message(user, MessageKind.STAGE_CHANGE, "cand8@candidates.test").build();
        String id = router().submit(stage).messageId();
        MessageRecord rec = awaitStatus(id, MessageStatus.SENT);
        assertEquals(Route.PLATFORM, rec.route());
        assertTrue(rec.routeReason(), rec.routeReason().contains("refused the login"));
        MimeMessage got = awaitReceived("cand8@candidates.test", stage.subject());
        assertEquals("jane.auth@talentats.test", ((InternetAddress) got.getReplyTo()[0]).getAddress());
        await("HEALTH event", Duration.ofSeconds(10), () -> health.stream().anyMatch(e -> user.equals(
                e.getProperty(EmailEvents.USER_ID)) && "AUTHENTICATION_FAILING".equals(e.getProperty(EmailEvents.HEALTH))));
        assertEquals(AccountHealth.State.AUTHENTICATION_FAILING, settings.get(user).orElseThrow().health().state());

        try {
            router().submit(message(user, MessageKind.CUSTOM, "cand8@candidates.test").build());
            fail("a custom message was accepted for a mailbox that refuses its login");
        } catch (MessageRejectedException e) {
            assertEquals(MessageRejectedException.Reason.ACCOUNT_LOGIN_FAILING, e.reason());
            assertTrue(e.getMessage(), e.getMessage().contains("update the password"));
        }
    }

    @Test
    public void disabledConnectivityRefusesCustomMailSendsSystemMailViaThePlatformAndResumes() throws Exception {
        String user = recruiter("jane.switch@talentats.test", mail.smtpsPort());
        connectivity.setEnabled(false);
        try {
            await("off", Duration.ofSeconds(10), () -> !connectivity.isEnabled());
            try {
                router().submit(message(user, MessageKind.CUSTOM, "cand9@candidates.test").build());
                fail("custom message accepted while connectivity is off");
            } catch (MessageRejectedException e) {
                assertEquals(MessageRejectedException.Reason.CONNECTIVITY_DISABLED, e.reason());
                assertTrue(e.getMessage(), e.getMessage().contains("email connectivity is disabled"));
            }
            OutboundMessage stage = message(user, MessageKind.STAGE_CHANGE, "cand9@candidates.test").build();
            SubmitReceipt r = router().submit(stage);
            assertEquals(Route.PLATFORM, r.route());
            MessageRecord rec = awaitStatus(r.messageId(), MessageStatus.SENT);
            assertTrue(rec.routeReason().contains("email connectivity is disabled"));
        } finally {
            connectivity.setEnabled(true);
        }
        await("on", Duration.ofSeconds(10), () -> connectivity.isEnabled());
        OutboundMessage custom = message(user, MessageKind.CUSTOM, "cand9@candidates.test").build();
        assertEquals(MessageStatus.SENT, awaitStatus(router().submit(custom).messageId(), MessageStatus.SENT).status());
    }

    @Test
    public void theHistoryShowsThreadsNewestFirstAndAReplyInAThreadAnswersItsLatestMessage() throws Exception {
        String user = recruiter("jane.thread@talentats.test", mail.smtpsPort());
        String thread = "thread-" + UUID.randomUUID();
        String candidate = "cand-" + UUID.randomUUID();
        OutboundMessage first = message(user, MessageKind.INTERVIEW_INVITATION, "cand10@candidates.test")
                .threadId(thread).candidateId(candidate).build();
        String firstId = router().submit(first).messageId();
        MessageRecord firstRec = awaitStatus(firstId, MessageStatus.SENT);
        OutboundMessage second = message(user, MessageKind.CUSTOM, "cand10@candidates.test").threadId(thread)
                .candidateId(candidate).build();
        String secondId = router().submit(second).messageId();
        awaitStatus(secondId, MessageStatus.SENT);
        MimeMessage got = awaitReceived("cand10@candidates.test", second.subject());
        assertEquals(firstRec.internetMessageId(), got.getHeader("In-Reply-To")[0]);
        assertTrue(got.getHeader("References")[0].contains(firstRec.internetMessageId()));
        assertNotEquals(firstRec.internetMessageId(), got.getMessageID());

        var page = history.forThread(thread, PageRequest.first(10));
        assertEquals(2, page.total());
        assertEquals(secondId, page.items().get(0).id());
        assertEquals(firstId, page.items().get(1).id());
        assertEquals(2, history.forCandidate(candidate, PageRequest.first(10)).total());
        assertTrue(history.forUser(user, PageRequest.first(10)).total() >= 2);
        List<MessageStatus> timeline = history.events(firstId).stream().map(e -> e.status()).toList();
        assertEquals(List.of(MessageStatus.QUEUED, MessageStatus.SENT), timeline);
        assertTrue(firstRec.routeReason().contains("mailbox is connected"));
    }

    /**
     * Health is runtime state: recording it changes no configuration (no event, no file under etc/) and leaves the
     * sender's lane, and so its SMTP connection, as it was. The host still hears of it on account/HEALTH.
     */
    @Test
    public void aHealthChangeWritesNoConfigurationAndKeepsTheSendersConnection() throws Exception {
        String address = "health.only@talentats.test";
        String user = "r-" + UUID.randomUUID();
        mail.greenMail().setUser(address, address, PASSWORD);
        try (TcpProxy smtp = new TcpProxy("127.0.0.1", mail.smtpsPort())) {
            settings.save(user, AccountDraft.builder().emailAddress(address).password(PASSWORD).displayName("Jane Doe")
                    .smtp("localhost", smtp.port(), Security.SSL_TLS)
                    .imap("localhost", mail.imapsPort(), Security.SSL_TLS).build());
            String pid = "io.talentats.email.account~" + user;
            List<ConfigurationEvent> changes = new CopyOnWriteArrayList<>();
            ServiceRegistration<ConfigurationListener> listener = context.registerService(ConfigurationListener.class,
                    e -> {
                        if (pid.equals(e.getPid())) {
                            changes.add(e);
                        }
                    }, null);
            List<Event> health = collect(EmailEvents.ACCOUNT_HEALTH);
            try {
                Map<String, Long> etcBefore = etcFiles();
                String first = router().submit(message(user, MessageKind.STAGE_CHANGE, "cand20@candidates.test")
                        .build()).messageId();
                awaitStatus(first, MessageStatus.SENT);
                assertEquals("one SMTP connection so far", 1, smtp.accepted());

                AccountStates states = context.getService(context.getServiceReference(AccountStates.class));
                assertTrue(states.recordHealth(user, new AccountHealth(AccountHealth.State.UNREACHABLE,
                        "the SMTP server could not be reached", java.time.Instant.now())));
                assertEquals(AccountHealth.State.UNREACHABLE, settings.get(user).orElseThrow().health().state());
                assertTrue(states.recordHealth(user, AccountHealth.healthy()));
                String second = router().submit(message(user, MessageKind.STAGE_CHANGE, "cand20@candidates.test")
                        .build()).messageId();
                awaitStatus(second, MessageStatus.SENT);

                assertEquals("the lane kept its connection: nothing rebuilt it", 1, smtp.accepted());
                await("both health changes announced", Duration.ofSeconds(10), () -> health.stream()
                        .filter(e -> user.equals(e.getProperty(EmailEvents.USER_ID))).count() == 2);
                assertEquals("configuration events of the account", List.of(), changes);
                assertEquals("files under etc/", etcBefore, etcFiles());
            } finally {
                listener.unregister();
            }
        }
    }

    /** Every file under etc/ with its last modification time. */
    private static Map<String, Long> etcFiles() throws IOException {
        Map<String, Long> out = new java.util.TreeMap<>();
        java.nio.file.Path etc = java.nio.file.Paths.get(System.getProperty("karaf.etc"));
        try (var files = java.nio.file.Files.walk(etc)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                if (java.nio.file.Files.isRegularFile(f)) {
                    out.put(etc.relativize(f).toString(), java.nio.file.Files.getLastModifiedTime(f).toMillis());
                }
            }
        }
        return out;
    }
}
