package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.UUID;

import javax.inject.Inject;
import javax.net.ssl.SSLServerSocketFactory;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.Security;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.TestOptions;
import io.talentats.email.api.TestStep;
import io.talentats.email.itests.support.GreenMailServer;
import io.talentats.email.itests.support.ScriptedServer;
import io.talentats.email.itests.support.SmtpScripts;
import io.talentats.email.itests.support.TestCertificates;
import io.talentats.email.mail.MailSessions;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Test Connection in a real Karaf against real servers: GreenMail for the good account and every misconfiguration
 * it can show, scripted servers for what only real providers say.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConnectionTestIT extends KarafTestSupport {

    static final String ADDRESS = "recruiter@talentats.test";
    static final String PASSWORD = "s3cret-pass";

    @Inject
    BundleContext context;

    @Inject
    ConnectionTester tester;

    @Inject
    AccountSettingsService settings;

    @Inject
    MailSessions sessions;

    @Inject
    ConfigurationAdmin configAdmin;

    static TestCertificates trusted;
    static TestCertificates other;
    static GreenMailServer mail;

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email", "talentats-email-greenmail"),
            // short timeouts keep the greeting-timeout cases quick; the defaults are 10 s / 15 s
            mailConfig("connect.timeout.ms", "3000"),
            mailConfig("read.timeout.ms", "3000"),
            etcConfig("org.ops4j.pax.logging", "log4j2.logger.conntest.name", "io.talentats.email.connectiontest"),
            etcConfig("org.ops4j.pax.logging", "log4j2.logger.conntest.level", "DEBUG")
        };
    }

    @Before
    public void servers() throws Exception {
        if (mail == null) {
            trusted = TestCertificates.create();
            other = TestCertificates.create();
            trust(trusted.pem());
            mail = GreenMailServer.start(trusted, sessions.classLoader());
            mail.greenMail().setUser(ADDRESS, ADDRESS, PASSWORD);
        }
    }

    private AccountDraft.Builder good() {
        return AccountDraft.builder()
                .emailAddress(ADDRESS)
                .password(PASSWORD)
                .smtp("localhost", mail.smtpsPort(), Security.SSL_TLS)
                .imap("localhost", mail.imapsPort(), Security.SSL_TLS);
    }

    @Test
    public void aGoodAccountPassesSmtpImapAndTheRoundTrip() throws Exception {
        ConnectionReport report = tester.test(null, good().build(), TestOptions.withRoundTrip());
        assertTrue(report.summary(), report.passed());
        assertEquals(List.of(TestStep.SMTP, TestStep.IMAP, TestStep.ROUND_TRIP_SEND, TestStep.ROUND_TRIP_RECEIVE),
                report.steps().stream().map(StepResult::step).toList());
        assertTrue(report.step(TestStep.ROUND_TRIP_RECEIVE).orElseThrow().detail().contains("removed"));
        await("the test message is gone from the inbox", Duration.ofSeconds(10),
                () -> inboxSubjects().stream().noneMatch(s -> s.startsWith("talentATS connection test")));

        ConnectionReport kept = tester.test(null, good().build(),
                new TestOptions(true, true, Duration.ofSeconds(20)));
        assertTrue(kept.summary(), kept.passed());
        assertTrue(inboxSubjects().stream().anyMatch(s -> s.startsWith("talentATS connection test")));
    }

    @Test
    public void aWrongPasswordIsAuthenticationFailedWithTheServersReplyAndTheGuidesAdvice() throws Exception {
        ConnectionReport r = tester.test(null, good().password("wrong").build(), TestOptions.withRoundTrip());
        StepResult smtp = r.step(TestStep.SMTP).orElseThrow();
        assertEquals(FailureClass.AUTHENTICATION_FAILED, smtp.failure());
        assertNotNull(smtp.serverReply());
        assertTrue(smtp.serverReply(), smtp.serverReply().startsWith("535"));
        assertTrue(smtp.advice().toString(), smtp.advice().stream().anyMatch(a -> a.contains("app-specific password")));
        assertEquals(FailureClass.AUTHENTICATION_FAILED, r.step(TestStep.IMAP).orElseThrow().failure());
        assertEquals(StepResult.Outcome.SKIPPED, r.step(TestStep.ROUND_TRIP_SEND).orElseThrow().outcome());
        assertFalse(r.toString().contains("wrong"));
    }

    @Test
    public void implicitTlsPortsTestedAsStartTlsAreATlsMismatch() throws Exception {
        long start = System.nanoTime();
        ConnectionReport r = tester.test(null, good()
                .smtp("localhost", mail.smtpsPort(), Security.STARTTLS)
                .imap("localhost", mail.imapsPort(), Security.STARTTLS).build(), TestOptions.loginOnly());
        for (TestStep step : List.of(TestStep.SMTP, TestStep.IMAP)) {
            StepResult s = r.step(step).orElseThrow();
            assertEquals(step + ": " + s.detail(), FailureClass.TLS_MISMATCH, s.failure());
            assertTrue(s.advice().toString(), s.advice().get(0).contains("expects SSL/TLS"));
        }
        assertTrue("bounded", Duration.ofNanos(System.nanoTime() - start).toSeconds() < 16);
    }

    @Test
    public void plainPortsTestedAsSslAreATlsMismatchAndAsStartTlsSayItIsNotOffered() throws Exception {
        ConnectionReport ssl = tester.test(null, good()
                .smtp("localhost", mail.smtpPort(), Security.SSL_TLS)
                .imap("localhost", mail.imapPort(), Security.SSL_TLS).build(), TestOptions.loginOnly());
        for (TestStep step : List.of(TestStep.SMTP, TestStep.IMAP)) {
            StepResult s = ssl.step(step).orElseThrow();
            assertEquals(step + ": " + s.detail(), FailureClass.TLS_MISMATCH, s.failure());
            assertTrue(s.advice().toString(), s.advice().get(0).contains("choose STARTTLS"));
        }
        ConnectionReport startTls = tester.test(null, good()
                .smtp("localhost", mail.smtpPort(), Security.STARTTLS)
                .imap("localhost", mail.imapPort(), Security.STARTTLS).build(), TestOptions.loginOnly());
        assertEquals(FailureClass.STARTTLS_NOT_OFFERED, startTls.step(TestStep.SMTP).orElseThrow().failure());
        assertEquals(FailureClass.STARTTLS_NOT_OFFERED, startTls.step(TestStep.IMAP).orElseThrow().failure());
    }

    @Test
    public void aLoginAnsweredLateIsALoginTimeoutAndNeverLibraryText() throws Exception {
        SSLServerSocketFactory tls = serverTls(trusted);
        Duration late = Duration.ofSeconds(10); // beyond this IT's 3-second read timeout
        try (ScriptedServer smtp = ScriptedServer.speaking(SmtpScripts.answeringLoginAfter(late,
                        "535 5.7.8 Error: authentication failed"), tls);
                ScriptedServer imap = ScriptedServer.speaking(SmtpScripts.imapAnsweringLoginAfter(late), tls)) {
            ConnectionReport r = tester.test(null, good().smtp("localhost", smtp.port(), Security.SSL_TLS)
                    .imap("localhost", imap.port(), Security.SSL_TLS).build(), TestOptions.loginOnly());
            for (TestStep step : List.of(TestStep.SMTP, TestStep.IMAP)) {
                StepResult s = r.step(step).orElseThrow();
                assertEquals(step + ": " + s.detail(), FailureClass.LOGIN_TIMEOUT, s.failure());
                assertTrue(s.advice().toString(), s.advice().get(0).contains("wait a minute"));
                assertFalse(s.detail(), s.detail().contains("Exception") || s.detail().contains("java."));
            }
        }
    }

    @Test
    public void startTlsAgainstAnImplicitTlsPortIsToldWithinAboutASecond() throws Exception {
        long start = System.nanoTime();
        ConnectionReport r = tester.test(null, good().smtp("localhost", mail.smtpsPort(), Security.STARTTLS)
                .imap("localhost", mail.imapsPort(), Security.STARTTLS).build(), TestOptions.loginOnly());
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        for (TestStep step : List.of(TestStep.SMTP, TestStep.IMAP)) {
            StepResult s = r.step(step).orElseThrow();
            assertEquals(step + ": " + s.detail(), FailureClass.TLS_MISMATCH, s.failure());
            assertTrue(s.advice().toString(), s.advice().get(0).contains("SSL/TLS"));
        }
        // Both sides would otherwise wait the whole read timeout (3 s here, 16 s by default)
        assertTrue("told in " + millis + " ms", millis < 2800);
    }

    @Test
    public void unreachableServers() throws Exception {
        int closed = Integer.parseInt(freePort());
        ConnectionReport r = tester.test(null, good()
                .smtp("localhost", closed, Security.SSL_TLS)
                .imap("no-such-host.invalid", 993, Security.SSL_TLS).build(), TestOptions.loginOnly());
        StepResult smtp = r.step(TestStep.SMTP).orElseThrow();
        assertEquals(FailureClass.CONNECTION_REFUSED, smtp.failure());
        assertTrue(smtp.advice().get(0), smtp.advice().get(0).contains("port " + closed));
        StepResult imap = r.step(TestStep.IMAP).orElseThrow();
        assertEquals(FailureClass.UNKNOWN_HOST, imap.failure());
        assertTrue(imap.advice().get(0).contains("no-such-host.invalid"));

        try (ScriptedServer silent = ScriptedServer.silent(); ScriptedServer full = ScriptedServer.saturated()) {
            long start = System.nanoTime();
            ConnectionReport s = tester.test(null, good()
                    .smtp("localhost", silent.port(), Security.STARTTLS)
                    .imap("localhost", full.port(), Security.SSL_TLS).build(), TestOptions.loginOnly());
            assertEquals(FailureClass.GREETING_TIMEOUT, s.step(TestStep.SMTP).orElseThrow().failure());
            assertEquals(FailureClass.CONNECT_TIMEOUT, s.step(TestStep.IMAP).orElseThrow().failure());
            assertTrue("bounded", Duration.ofNanos(System.nanoTime() - start).toSeconds() < 16);
        }
    }

    @Test
    public void aSelfSignedCertificateIsUntrustedUntilTheOperatorTrustsItAndItsNameMustMatch() throws Exception {
        SSLServerSocketFactory otherTls = serverTls(other);
        try (ScriptedServer smtp = ScriptedServer.speaking(SmtpScripts.refusingSender("250 2.1.0 OK"), otherTls)) {
            AccountDraft d = good().smtp("localhost", smtp.port(), Security.SSL_TLS).build();
            StepResult untrusted = tester.test(null, d, TestOptions.loginOnly()).step(TestStep.SMTP).orElseThrow();
            assertEquals(untrusted.detail(), FailureClass.CERTIFICATE_UNTRUSTED, untrusted.failure());
            assertTrue(untrusted.advice().toString(), untrusted.advice().stream().anyMatch(a -> a.contains("trusted certificates")));

            Path both = Files.createTempFile("trusted", ".pem");
            Files.writeString(both, Files.readString(trusted.pem()) + Files.readString(other.pem()));
            trust(both);
            try {
                assertTrue(tester.test(null, d, TestOptions.loginOnly()).step(TestStep.SMTP).orElseThrow().passed());
            } finally {
                trust(trusted.pem());
            }
        }
        StepResult mismatch = tester.test(null, good().smtp("127.0.0.1", mail.smtpsPort(), Security.SSL_TLS).build(),
                TestOptions.loginOnly()).step(TestStep.SMTP).orElseThrow();
        assertEquals(mismatch.detail(), FailureClass.HOSTNAME_MISMATCH, mismatch.failure());
        assertTrue(mismatch.advice().get(0).contains("127.0.0.1"));
    }

    @Test
    public void whatRealProvidersSayIsClassifiedWithTheirAdvice() throws Exception {
        SSLServerSocketFactory tls = serverTls(trusted);
        try (ScriptedServer gmail = ScriptedServer.speaking(SmtpScripts.refusingLogin(
                        "534-5.7.9 Application-specific password required. For more information, go to\n"
                                + "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor x1-2"), tls);
                ScriptedServer outlook = ScriptedServer.speaking(SmtpScripts.refusingLogin(
                        "535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN9PR03CA0456]"),
                        tls);
                ScriptedServer m365 = ScriptedServer.speaking(SmtpScripts.refusingLogin(
                        "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. "
                                + "Visit https://aka.ms/smtp_auth_disabled for more information. [SN7P220CA0013]"),
                        tls);
                ScriptedServer sender = ScriptedServer.speaking(SmtpScripts.refusingSender(
                        "553 5.7.1 <recruiter@talentats.test>: Sender address rejected: not owned by user"), tls);
                ScriptedServer imap = ScriptedServer.speaking(SmtpScripts.imapRefusingLogin(
                        "[ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and "
                                + "enable your account for IMAP access. (Failure)"), tls)) {
            ConnectionReport g = tester.test(null, good().presetId("gmail")
                    .smtp("localhost", gmail.port(), Security.SSL_TLS)
                    .imap("localhost", imap.port(), Security.SSL_TLS).build(), TestOptions.loginOnly());
            StepResult gs = g.step(TestStep.SMTP).orElseThrow();
            assertEquals(FailureClass.APP_PASSWORD_REQUIRED, gs.failure());
            assertTrue(gs.serverReply(), gs.serverReply().contains("5.7.9"));
            assertTrue(gs.advice().get(0), gs.advice().get(0).startsWith("Gmail"));
            StepResult gi = g.step(TestStep.IMAP).orElseThrow();
            assertEquals(FailureClass.IMAP_DISABLED, gi.failure());
            assertTrue(gi.advice().get(0), gi.advice().get(0).contains("enable IMAP"));
            assertEquals("gmail", g.presetId());

            StepResult o = tester.test(null, good().presetId("outlook")
                    .smtp("localhost", outlook.port(), Security.SSL_TLS).build(), TestOptions.loginOnly())
                    .step(TestStep.SMTP).orElseThrow();
            assertEquals(FailureClass.BASIC_AUTH_DISABLED, o.failure());
            assertTrue(o.advice().get(0), o.advice().get(0).contains("OAuth"));

            // SMTP AUTH off for the tenant: no login helps, "Sign in with Microsoft" neither, and it is not said to
            StepResult t = tester.test(null, good()
                    .smtp("localhost", m365.port(), Security.SSL_TLS).build(), TestOptions.loginOnly())
                    .step(TestStep.SMTP).orElseThrow();
            assertEquals(FailureClass.SMTP_AUTH_DISABLED, t.failure());
            assertTrue(String.join(" ", t.advice()), t.advice().stream().anyMatch(a -> a.contains("SMTP sign-in "
                    + "off for mail programs")));
            assertTrue(String.join(" ", t.advice()), t.advice().stream().noneMatch(a -> a.contains("use \"Sign in "
                    + "with Microsoft\"")));

            StepResult s = tester.test(null, good().smtp("localhost", sender.port(), Security.SSL_TLS).build(),
                    TestOptions.loginOnly()).step(TestStep.SMTP).orElseThrow();
            assertEquals(FailureClass.SENDER_REJECTED, s.failure());
            assertTrue(s.serverReply(), s.serverReply().startsWith("553 5.7.1"));
        }
    }

    @Test
    public void aStoredAccountRemembersItsLastVerificationAndSaveCanRequireAPassedTest() throws Exception {
        String user = "tested-" + UUID.randomUUID();
        settings.save(user, good().build());
        ConnectionReport r = tester.testStored(user, TestOptions.loginOnly());
        assertTrue(r.summary(), r.passed());
        Account a = settings.get(user).orElseThrow();
        assertTrue(a.lastVerification().passed());
        assertEquals("SMTP passed; IMAP passed", a.lastVerification().summary());

        setProductConfig("require.verified.save", true);
        try {
            String other = "unverified-" + UUID.randomUUID();
            await("save refused without a test", Duration.ofSeconds(10), () -> {
                try {
                    settings.save(other, good().build());
                    settings.disconnect(other);
                    return false;
                } catch (InvalidSettingsException e) {
                    return e.errors().get(0).field().equals("connection");
                }
            });
            assertTrue(tester.test(other, good().build(), TestOptions.loginOnly()).passed());
            Account saved = settings.save(other, good().build());
            assertTrue(saved.lastVerification().passed());
            try {
                settings.save(other, good().password("changed-since-test").build());
                fail("saved settings that were not tested");
            } catch (InvalidSettingsException e) {
                assertEquals("connection", e.errors().get(0).field());
            }
        } finally {
            setProductConfig("require.verified.save", false);
        }
    }

    /** Subjects of the messages GreenMail holds right now (expunged ones are gone). */
    private List<String> inboxSubjects() {
        try {
            return sessions.call(() -> {
                List<String> subjects = new java.util.ArrayList<>();
                for (jakarta.mail.internet.MimeMessage m : mail.greenMail().getReceivedMessages()) {
                    subjects.add(m.getSubject());
                }
                return subjects;
            });
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void trust(Path pem) throws IOException {
        setConfig("io.talentats.email.mail", "trusted.certificates", pem.toString());
        await("mail sessions trust " + pem, Duration.ofSeconds(10), () -> {
            ServiceReference<MailSessions> ref = context.getServiceReference(MailSessions.class);
            return ref != null && pem.toString().equals(ref.getProperty("trusted.certificates"));
        });
    }

    private void setProductConfig(String key, Object value) throws IOException {
        setConfig("io.talentats.email", key, value);
    }

    private void setConfig(String pid, String key, Object value) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> p = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        p.put(key, value);
        c.update(p);
    }

    private static SSLServerSocketFactory serverTls(TestCertificates certs) throws Exception {
        return certs.sslContext().getServerSocketFactory();
    }
}
