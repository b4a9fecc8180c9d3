package io.talentats.email.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The email:* commands as a script drives them: piped into {@code bin/client -b} of the running distribution. A
 * command that cannot do what was asked fails the script with a line that says why; a password is never a line of
 * the script, never echoed, never logged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShellScriptE2E {

    private SandboxKaraf karaf;

    @BeforeAll
    void start() throws Exception {
        karaf = SandboxKaraf.start("shell");
    }

    @AfterAll
    void stop() {
        if (karaf != null) {
            karaf.close();
        }
    }

    private String servers() {
        return " --smtp 127.0.0.1:" + karaf.smtpPort + " --smtp-security NONE --imap 127.0.0.1:" + karaf.imapPort
                + " --imap-security NONE ";
    }

    @Test
    void aRefusedCommandFailsTheScriptAndStopsIt() throws Exception {
        SandboxKaraf.Script s = karaf.script("email:account-show nobody-here\necho after-the-failure\n");
        assertThat(s.exit()).as(s.output()).isNotZero();
        assertThat(s.output()).contains("User nobody-here has no email account connected.")
                .doesNotContain("after-the-failure").doesNotContain("Exception");
        SandboxKaraf.Script test = karaf.script("email:account-test nobody-here\n");
        assertThat(test.exit()).isNotZero();
        assertThat(test.output()).contains("has no email account connected").doesNotContain("at io.talentats");
        assertThat(karaf.log()).as("an operator's mistake is no ERROR in the log")
                .doesNotContain("Exception caught while executing command");
    }

    @Test
    void aPasswordComesFromAFileAndAScriptLineIsNeverTakenForIt() throws Exception {
        String secret = "sandbox";
        // The wrong way: the password as the script's next line. The command refuses, the script stops there, so
        // the line is neither run as a command nor printed back.
        SandboxKaraf.Script wrong = karaf.script("email:account-set --address recruiter@sandbox.test" + servers()
                + "scripted\n" + "not-a-command-" + secret + "\n");
        assertThat(wrong.exit()).isNotZero();
        assertThat(wrong.output()).contains("--password-file").doesNotContain("not-a-command-")
                .doesNotContain("Command not found");

        Path file = karaf.home.resolve("recruiter.pw");
        Files.writeString(file, secret + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        SandboxKaraf.Script set = karaf.script("email:account-set --address recruiter@sandbox.test" + servers()
                + "--password-file " + file + " scripted\nemail:account-test scripted\n");
        assertThat(set.exit()).as(set.output()).isZero();
        assertThat(set.output()).contains("Saved the email settings of scripted").contains("Connection works.")
                .doesNotContain(secret + "\n");

        SandboxKaraf.Script keep = karaf.script("email:account-set --keep-password --display-name 'Rita R' scripted\n"
                + "email:account-test scripted\n");
        assertThat(keep.exit()).as(keep.output()).isZero();
        assertThat(keep.output()).contains("Connection works.");

        SandboxKaraf.Script bad = karaf.script("email:send --user scripted --to not@@valid --subject s --body b\n");
        assertThat(bad.exit()).isNotZero();
        assertThat(bad.output()).contains("Not sent (INVALID_MESSAGE)");
        assertThat(karaf.log()).doesNotContain("not-a-command-" + secret);
    }
}
