package io.talentats.email.shell.internal;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Security;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

@Command(scope = "email", name = "account-set", description = "Connects or changes a user's mailbox; the password is "
        + "asked for without echo (leave it empty to keep the stored one)")
@Service
public class AccountSetCommand implements Action {

    @Reference
    AccountSettingsService settings;

    @Reference
    ProviderPresets presets;

    @Reference
    Session session;

    @Argument(index = 0, name = "user", description = "The ATS user id", required = true)
    @Completion(Completers.Users.class)
    String user;

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

    @Override
    public Object execute() throws Exception {
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
        String password = readPassword("Password" + (existing != null && existing.passwordSet()
                ? " (empty: keep the stored one)" : "") + ": ");
        b.password(password == null || password.isEmpty() ? null : password);
        try {
            Account saved = settings.save(user, b.build());
            System.out.println("Saved the email settings of " + user + " (" + saved.emailAddress() + "). Test them with "
                    + "email:account-test " + user);
        } catch (InvalidSettingsException e) {
            System.err.println("Not saved:");
            for (FieldError f : e.errors()) {
                System.err.println("  " + f.field() + ": " + f.message());
            }
        }
        return null;
    }

    /**
     * Asks without echo on a terminal. Without one (a script piping into bin/client, a headless session) the
     * password is the next line of input, so it never has to appear on a command line or in the shell history.
     */
    private String readPassword(String prompt) throws java.io.IOException {
        try {
            return session.readLine(prompt, '*');
        } catch (UnsupportedOperationException noTerminal) {
            return new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
        }
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
