package io.talentats.email.shell.internal;

import io.talentats.email.api.AccountSettingsService;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "email", name = "account-disconnect", description = "Removes a user's email settings and password")
@Service
public class AccountDisconnectCommand extends UserCommand {

    @Reference
    AccountSettingsService settings;

    @Override
    public Object execute() throws Exception {
        if (!settings.disconnect(user)) {
            throw noAccount();
        }
        System.out.println("Disconnected the email account of " + user + ".");
        return null;
    }
}
