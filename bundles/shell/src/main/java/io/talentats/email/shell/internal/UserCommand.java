package io.talentats.email.shell.internal;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.support.CommandException;

/**
 * A command about one ATS user, named by its first argument. Refusals are {@link CommandException}s: Karaf prints
 * their message as one line (no stack trace, nothing logged above debug), and a script sees the command fail.
 */
abstract class UserCommand implements Action {

    @Argument(index = 0, name = "user", description = "The ATS user id", required = true)
    @Completion(Completers.Users.class)
    String user;

    /** The command did not do what was asked; {@code message} says why and what to do. */
    static CommandException refused(String message) {
        return new CommandException(message);
    }

    CommandException noAccount() {
        return refused("User " + user + " has no email account connected.");
    }
}
