package io.talentats.email.shell.internal;

import io.talentats.email.api.AccountSettingsService;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "email", name = "account-disconnect", description = "Removes a user's email settings and password")
@Service
public class AccountDisconnectCommand implements Action {

    @Reference
    AccountSettingsService settings;

    @Argument(index = 0, name = "user", description = "The ATS user id", required = true)
    @Completion(Completers.Users.class)
    String user;

    @Override
    public Object execute() {
        System.out.println(settings.disconnect(user) ? "Disconnected the email account of " + user + "."
                : "User " + user + " had no email account connected.");
        return null;
    }
}
