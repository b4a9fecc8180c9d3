package io.talentats.email.shell.internal;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.AccountSettingsService;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "email", name = "account-show", description = "Shows a user's email settings (the password never)")
@Service
public class AccountShowCommand extends UserCommand {

    @Reference
    AccountSettingsService settings;

    @Override
    public Object execute() throws Exception {
        Account a = settings.get(user).orElseThrow(this::noAccount);
        ShellTable t = new ShellTable().noHeaders();
        t.column("");
        t.column("");
        t.addRow().addContent("User", a.userId());
        t.addRow().addContent("Address", a.emailAddress());
        t.addRow().addContent("Login", a.username());
        t.addRow().addContent("Display name", a.displayName() == null ? "" : a.displayName());
        t.addRow().addContent("Mail access", switch (a.mailAccess()) {
            case Account.GRAPH -> "Microsoft Graph (sent and read through the API)";
            case Account.GMAIL_API -> "Gmail API (sent and read through the API)";
            case Account.SMTP_IMAP -> "SMTP and IMAP";
            default -> a.mailAccess();
        });
        t.addRow().addContent("SMTP", a.smtp());
        t.addRow().addContent("IMAP", a.imap());
        t.addRow().addContent("Preset", a.presetId() == null ? "" : a.presetId());
        if (a.oauthProvider() != null) {
            t.addRow().addContent("Sign-in", "OAuth with " + a.oauthProvider() + ": " + (a.health().state()
                    == AccountHealth.State.NEEDS_REAUTHORIZATION ? "the grant stopped working; sign in again"
                            : "the grant works (tokens renewed ahead of expiry)"));
            t.addRow().addContent("Password", "none (signs in with OAuth)");
        } else {
            t.addRow().addContent("Sign-in", "password");
            t.addRow().addContent("Password", a.passwordSet() ? "set (encrypted)" : "not set");
        }
        t.addRow().addContent("Enabled", a.enabled() ? "yes" : "no");
        t.addRow().addContent("Saved", a.savedAt());
        t.addRow().addContent("Last test", a.lastVerification() == null ? "never"
                : a.lastVerification().at() + " " + (a.lastVerification().passed() ? "passed" : "failed") + " ("
                        + a.lastVerification().summary() + ")");
        t.addRow().addContent("Health", a.health().state() + (a.health().reason() == null ? "" : ": " + a.health().reason()));
        t.print(System.out);
        return null;
    }
}
