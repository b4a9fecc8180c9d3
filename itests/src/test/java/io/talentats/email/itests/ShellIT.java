package io.talentats.email.itests;

import static org.hamcrest.CoreMatchers.containsString;
import static org.hamcrest.CoreMatchers.not;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivilegedExceptionAction;
import java.time.Duration;
import java.util.UUID;

import javax.inject.Inject;
import javax.security.auth.Subject;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Security;
import io.talentats.email.api.SubmitReceipt;
import io.talentats.email.itests.support.ScriptedServer;
import io.talentats.email.itests.support.SmtpScripts;

import org.apache.karaf.jaas.boot.principal.RolePrincipal;
import org.apache.karaf.jaas.boot.principal.UserPrincipal;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/** The email:* commands as an operator types them in the Karaf console, against real mail servers. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellIT extends MailTestSupport {

    @Inject
    SessionFactory sessions;

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email", "talentats-email-greenmail"),
            productConfig("allow.unencrypted", "true"),
            etcConfig("io.talentats.email.router", "retry.initial.delay.ms", "300")
        };
    }

    /** Runs one command line as an admin; {@code input} is what the operator types at prompts. */
    String run(String command, String input) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Subject admin = new Subject();
        admin.getPrincipals().add(new UserPrincipal("operator"));
        admin.getPrincipals().add(new RolePrincipal("admin"));
        Session session = sessions.create(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), out, out);
        try {
            Subject.doAs(admin, (PrivilegedExceptionAction<Object>) () -> session.execute(command));
        } catch (java.security.PrivilegedActionException e) {
            out.println("ERROR: " + e.getCause());
        } finally {
            session.close();
        }
        out.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    String run(String command) throws Exception {
        return run(command, "");
    }

    @Test
    public void presetsAreListedAndFoundByAddress() throws Exception {
        String all = run("email:presets");
        assertThat(all, containsString("smtp.gmail.com:465"));
        assertThat(all, containsString("smtp-mail.outlook.com:587"));
        String hotmail = run("email:presets --address jane@hotmail.com");
        assertThat(hotmail, containsString("outlook"));
        assertThat(hotmail, not(containsString("gmail")));
        assertThat(run("email:presets --address jane@nowhere.example"), containsString("No preset known"));
    }

    @Test
    public void accountIsSetWithAPromptedPasswordShownMaskedTestedAndDisconnected() throws Exception {
        String user = "shell-" + UUID.randomUUID();
        String address = user + "@corp.test";
        mail.greenMail().setUser(address, address, PASSWORD);
        String set = run("email:account-set --address " + address + " --display-name 'Sam Shell' --smtp localhost:"
                + mail.smtpsPort() + " --smtp-security SSL_TLS --imap localhost:" + mail.imapsPort()
                + " --imap-security SSL_TLS " + user, PASSWORD + "\n");
        assertThat(set, containsString("Saved the email settings of " + user));
        assertThat("the typed password is not echoed", set, not(containsString(PASSWORD)));
        assertTrue(settings.get(user).orElseThrow().passwordSet());

        String shown = run("email:account-show " + user);
        assertThat(shown, containsString(address));
        assertThat(shown, containsString("set (encrypted)"));
        assertThat(shown, not(containsString(PASSWORD)));
        assertThat(shown, not(containsString("aesgcm")));

        String tested = run("email:account-test " + user);
        assertThat(tested, containsString("SMTP"));
        assertThat(tested, containsString("Connection works."));

        // Changing the display name with an empty password keeps the stored one
        assertThat(run("email:account-set --display-name Samantha " + user, "\n"), containsString("Saved"));
        assertThat(run("email:account-test " + user), containsString("Connection works."));
        assertEquals("Samantha", settings.get(user).orElseThrow().displayName());

        String bad = run("email:account-set --smtp localhost:70000 " + user, "\n");
        assertThat(bad, containsString("Not saved"));
        assertThat(bad, containsString("smtp.port"));

        assertThat(run("email:status"), containsString(user));
        assertThat(run("email:account-disconnect " + user), containsString("Disconnected"));
        assertFalse(settings.get(user).isPresent());
        assertThat(run("email:account-show " + user), containsString("has no email account connected"));
    }

    @Test
    public void sendShowsUpInTheThreadAndTheSwitchStopsCustomMail() throws Exception {
        String user = recruiter("shell-sender-" + UUID.randomUUID() + "@corp.test", mail.smtpsPort());
        String thread = "thread-" + UUID.randomUUID();
        String sent = run("email:send --user " + user + " --kind CUSTOM --to cand@candidates.test --subject "
                + "'Coffee chat' --body 'Are you free on Friday?' --thread " + thread);
        assertThat(sent, containsString("Queued message"));
        await("the message in the thread is sent", Duration.ofSeconds(30),
                () -> history.forThread(thread, io.talentats.email.api.PageRequest.first(10)).items().stream()
                        .anyMatch(m -> m.status() == MessageStatus.SENT));
        String shown = run("email:thread --text " + thread);
        assertThat(shown, containsString("Coffee chat"));
        assertThat(shown, containsString("SENT"));
        assertThat(shown, containsString("Are you free on Friday?"));

        try {
            assertThat(run("email:disable"), containsString("disabled"));
            await("connectivity off", Duration.ofSeconds(10), () -> !connectivity.isEnabled());
            assertThat(run("email:status"), containsString("DISABLED"));
            String refused = run("email:send --user " + user + " --to cand@candidates.test --subject Hi --body x");
            assertThat(refused, containsString("CONNECTIVITY_DISABLED"));
        } finally {
            assertThat(run("email:enable"), containsString("enabled"));
            await("connectivity on", Duration.ofSeconds(10), connectivity::isEnabled);
        }
        assertThat(run("email:status"), containsString("Email connectivity: enabled"));
    }

    @Test
    public void outboxListsWaitingMessagesAndRetryPutsAFailedOneBack() throws Exception {
        try (ScriptedServer refusing = ScriptedServer.speaking(
                        SmtpScripts.refusingSender("550 5.7.1 Sender not allowed to relay"), null);
                ScriptedServer silent = ScriptedServer.silent()) {
            String refused = plainRecruiter(refusing.port());
            String waiting = plainRecruiter(silent.port());
            String thread = "thread-" + UUID.randomUUID();
            SubmitReceipt failed = router().submit(message(refused, MessageKind.CUSTOM, "c1@candidates.test")
                    .threadId(thread).build());
            awaitStatus(failed.messageId(), MessageStatus.FAILED);
            SubmitReceipt stuck = router().submit(message(waiting, MessageKind.CUSTOM, "c2@candidates.test").build());

            String outbox = run("email:outbox");
            assertThat(outbox, containsString(stuck.messageId()));
            assertThat(outbox, not(containsString(failed.messageId())));

            assertThat(run("email:retry no-such-message"), containsString("unknown or has not failed"));
            assertThat(run("email:retry " + failed.messageId()), containsString("is queued again"));
            await("the retried message to fail again", Duration.ofSeconds(30),
                    () -> history.events(failed.messageId()).stream()
                            .filter(e -> e.status() == MessageStatus.FAILED).count() == 2);
            assertThat(run("email:thread " + thread), containsString("FAILED"));
        }
    }

    /** A recruiter whose SMTP server is {@code smtpPort} on loopback without TLS, IMAP at GreenMail. */
    private String plainRecruiter(int smtpPort) throws Exception {
        String user = "shell-" + UUID.randomUUID();
        String address = user + "@corp.test";
        mail.greenMail().setUser(address, address, PASSWORD);
        settings.save(user, AccountDraft.builder().emailAddress(address).password(PASSWORD)
                .smtp("127.0.0.1", smtpPort, Security.NONE).imap("127.0.0.1", mail.imapPort(), Security.NONE)
                .build());
        return user;
    }

    @Test
    public void rotateKeyReEncryptsStoredSecrets() throws Exception {
        String user = recruiter("shell-rotate-" + UUID.randomUUID() + "@corp.test", mail.smtpsPort());
        String before = storedPassword(user);
        String rotated = run("email:rotate-key");
        assertThat(rotated, containsString("Re-encrypted"));
        String after = storedPassword(user);
        assertThat(after, not(containsString(before)));
        assertThat(run("email:account-test " + user), containsString("Connection works."));
    }

    /** The password value as ConfigAdmin holds it for {@code user}: ciphertext naming its key. */
    private String storedPassword(String user) throws Exception {
        for (org.osgi.service.cm.Configuration c : configAdmin.listConfigurations(
                "(&(service.factoryPid=io.talentats.email.account)(user.id=" + user + "))")) {
            return String.valueOf(c.getProperties().get("password"));
        }
        throw new AssertionError("No configuration for " + user);
    }
}
