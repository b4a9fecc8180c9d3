package io.talentats.email.shell.internal;

import io.talentats.email.api.Account;
import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.TestOptions;
import io.talentats.email.api.OAuthSignIns;
import io.talentats.email.api.OAuthSignIns.DeviceCode;
import io.talentats.email.api.OAuthSignIns.OAuthException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/**
 * Signs a recruiter's mailbox in with OAuth from a console: the device code flow (RFC 8628), where the provider
 * offers it (Microsoft). Prints the code and the page to enter it at, then waits for the approval and saves the
 * account. Tokens are never printed.
 */
@Command(scope = "email", name = "account-oauth", description = "Signs a user's mailbox in with OAuth (device code): "
        + "prints a code to enter at the provider's page, then saves the account")
@Service
public class AccountOAuthCommand extends UserCommand {

    @Argument(index = 1, name = "provider", description = "The OAuth provider, e.g. microsoft", required = true)
    String provider;

    @Reference(optional = true)
    OAuthSignIns signIns;

    @Reference(optional = true)
    ConnectionTester tester;

    @Override
    public Object execute() throws Exception {
        if (signIns == null) {
            throw refused("OAuth sign-in is not installed: feature:install talentats-email-oauth");
        }
        DeviceCode code;
        try {
            code = signIns.startDevice(user, provider);
        } catch (OAuthException | IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
        System.out.println("To sign in " + user + " with " + code.provider() + ", open " + code.verificationUri()
                + " and enter the code " + code.userCode() + " (valid " + code.expiresIn().toMinutes()
                + " minutes). Waiting...");
        System.out.flush();
        try {
            Account a = signIns.awaitDevice(code);
            System.out.println("Signed in: " + a.emailAddress() + " (" + a.presetId() + ").");
        } catch (OAuthException e) {
            throw refused(e.getMessage());
        }
        // As after the browser's sign-in: the operator learns at once whether sending and reading work
        ConnectionTester t = tester;
        if (t == null) {
            System.out.println("Test Connection is not installed; check the account later with email:account-test "
                    + user + ".");
            return null;
        }
        ConnectionReport r = t.testStored(user, TestOptions.loginOnly());
        AccountTestCommand.print(r);
        if (!r.passed()) {
            throw refused("Signed in, but the connection does not work yet: " + r.summary());
        }
        System.out.println("Connection works.");
        return null;
    }
}
