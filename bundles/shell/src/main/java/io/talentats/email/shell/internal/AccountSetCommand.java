package io.talentats.email.shell.internal;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Security;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

@Command(scope = "email", name = "account-set", description = "Connects or changes a user's mailbox. The password "
        + "is asked for without echo (empty keeps the stored one); scripts give it with --password-file or "
        + "--password-env, never on the command line")
@Service
public class AccountSetCommand extends UserCommand {

    @Reference
    AccountSettingsService settings;

    @Reference
    ProviderPresets presets;

    @Reference
    Session session;

    @Option(name = "--address", description = "Email address (required for a new account)")
    String address;

    @Option(name = "--username", description = "Login, if not the address")
    String username;

    @Option(name = "--display-name", description = "Name shown beside the address")
    String displayName;

    @Option(name = "--preset", description = "Fill servers from this provider preset (default: the address's provider)")
    @Completion(Completers.Presets.class)
    String preset;

    @Option(name = "--smtp", description = "SMTP server as host:port")
    String smtp;

    @Option(name = "--smtp-security", description = "SSL_TLS, STARTTLS or NONE")
    @Completion(value = StringsCompleter.class, values = {"SSL_TLS", "STARTTLS", "NONE"})
    Security smtpSecurity;

    @Option(name = "--imap", description = "IMAP server as host:port")
    String imap;

    @Option(name = "--imap-security", description = "SSL_TLS, STARTTLS or NONE")
    @Completion(value = StringsCompleter.class, values = {"SSL_TLS", "STARTTLS", "NONE"})
    Security imapSecurity;

    @Option(name = "--disabled", description = "Keep the account but do not use it")
    boolean disabled;

    @Option(name = "--password-file", description = "Read the password from the first line of this file (for "
            + "scripts; make the file readable by Karaf's user only)")
    String passwordFile;

    @Option(name = "--password-env", description = "Take the password from this environment variable of the Karaf "
            + "process (for scripts)")
    String passwordEnv;

    @Option(name = "--keep-password", description = "Keep the stored password without asking (for scripts)")
    boolean keepPassword;

    @Override
    public Object execute() throws Exception {
        String password = password();
        Account existing = settings.get(user).orElse(null);
        AccountDraft.Builder b = existing != null ? existing.toDraft().toBuilder() : AccountDraft.builder();
        if (address != null) {
            b.emailAddress(address);
        }
        AccountDraft draft = b.build();
        String presetId = preset;
        if (presetId == null && existing == null && draft.emailAddress() != null) {
            presetId = presets.lookup(draft.emailAddress()).map(p -> p.id()).orElse(null);
        }
        if (presetId != null) {
            draft = presets.apply(presetId, draft);
            System.out.println("Servers from preset " + presetId + ": SMTP " + draft.smtp() + ", IMAP " + draft.imap());
        }
        b = draft.toBuilder();
        if (username != null) {
            b.username(username);
        }
        if (displayName != null) {
            b.displayName(displayName);
        }
        b.smtp(endpoint(smtp, smtpSecurity, draft.smtp()));
        b.imap(endpoint(imap, imapSecurity, draft.imap()));
        b.enabled(!disabled);
        if (password == null) {
            password = ask("Password" + (existing != null && existing.passwordSet()
                    ? " (empty: keep the stored one)" : "") + ": ");
        }
        b.password(password.isEmpty() ? null : password);
        try {
            Account saved = settings.save(user, b.build());
            System.out.println("Saved the email settings of " + user + " (" + saved.emailAddress() + "). Test them with "
                    + "email:account-test " + user);
        } catch (InvalidSettingsException e) {
            StringBuilder why = new StringBuilder("Not saved:");
            for (FieldError f : e.errors()) {
                why.append("\n  ").append(f.field()).append(": ").append(f.message());
            }
            throw refused(why.toString());
        }
        return null;
    }

    /** The password given by option ("" keeps the stored one), or {@code null} to ask for it. */
    private String password() throws Exception {
        int given = (passwordFile != null ? 1 : 0) + (passwordEnv != null ? 1 : 0) + (keepPassword ? 1 : 0);
        if (given > 1) {
            throw refused("Give at most one of --password-file, --password-env and --keep-password.");
        }
        if (keepPassword) {
            return "";
        }
        if (passwordFile != null) {
            Path file = Paths.get(passwordFile);
            if (!Files.isReadable(file)) {
                throw refused("Cannot read the password file " + file + ": it does not exist or Karaf may not read it.");
            }
            String first = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
            if (first.isEmpty()) {
                throw refused("The password file " + file + " is empty: put the password on its first line.");
            }
            return first;
        }
        if (passwordEnv != null) {
            String value = System.getenv(passwordEnv);
            if (value == null || value.isEmpty()) {
                throw refused("The environment variable " + passwordEnv + " is not set for the Karaf process.");
            }
            return value;
        }
        return null;
    }

    /**
     * Asks without echo on a terminal. Without one (a headless session) the answer is the next line of this
     * command's own input; when there is none (a script run with bin/client -b, whose lines are commands) the
     * command refuses rather than take the script's next line for a password.
     */
    private String ask(String prompt) throws Exception {
        String line;
        try {
            line = session.readLine(prompt, '*');
        } catch (UnsupportedOperationException noTerminal) {
            line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        if (line == null) {
            throw refused("No password given and no terminal to ask for it: in scripts use --password-file FILE, "
                    + "--password-env VARIABLE or --keep-password.");
        }
        return line;
    }

    private static Endpoint endpoint(String hostPort, Security security, Endpoint current) {
        if (hostPort == null && security == null) {
            return current;
        }
        String host = current == null ? null : current.host();
        int port = current == null ? 0 : current.port();
        if (hostPort != null) {
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(hostPort.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
        }
        return new Endpoint(host, port, security != null ? security : current == null ? null : current.security());
    }
}
