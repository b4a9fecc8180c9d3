package io.talentats.email.shell.internal;

import io.talentats.email.api.Suppression;
import io.talentats.email.api.Suppressions;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** The addresses that hard-bounced: listed, and cleared so they may be written to again. */
final class SuppressionCommands {

    private SuppressionCommands() {}

    @Command(scope = "email", name = "suppressed", description = "Lists the addresses that hard-bounced (all users, "
            + "or one), newest first: the router refuses new messages to them")
    @Service
    public static class List implements Action {
        @Reference
        Suppressions suppressions;

        @Argument(index = 0, name = "user", description = "Only this ATS user", required = false)
        String user;

        @Override
        public Object execute() {
            ShellTable t = new ShellTable();
            t.column("Since");
            t.column("User");
            t.column("Address");
            t.column("Status");
            t.column("Reason");
            java.util.List<Suppression> all = suppressions.list(user);
            for (Suppression s : all) {
                t.addRow().addContent(s.since(), s.userId(), s.address(), s.statusCode(),
                        s.reason() == null ? "" : s.reason());
            }
            t.print(System.out);
            System.out.println(all.size() + " suppressed address(es)");
            return null;
        }
    }

    @Command(scope = "email", name = "unsuppress", description = "Clears a bounced address of a user, so messages "
            + "to it are sent again")
    @Service
    public static class Clear extends UserCommand {
        @Reference
        Suppressions suppressions;

        @Argument(index = 1, name = "address", description = "The address", required = true)
        String address;

        @Override
        public Object execute() throws Exception {
            if (!suppressions.clear(user, address)) {
                throw refused(address + " is not suppressed for user " + user + ".");
            }
            System.out.println("Cleared " + address + " for user " + user + ".");
            return null;
        }
    }
}
