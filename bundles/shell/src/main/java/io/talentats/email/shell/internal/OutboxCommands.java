package io.talentats.email.shell.internal;

import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRouter;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** Looking into the outbox and sending a failed message again. */
final class OutboxCommands {

    private OutboxCommands() {}

    @Command(scope = "email", name = "outbox", description = "Lists the messages still in the outbox, oldest first")
    @Service
    public static class List implements Action {
        @Reference
        MessageRouter router;

        @Option(name = "--limit", description = "At most this many")
        int limit = 50;

        @Override
        public Object execute() {
            ShellTable t = new ShellTable();
            t.column("Id");
            t.column("User");
            t.column("Kind");
            t.column("Status");
            t.column("Route");
            t.column("Attempts");
            t.column("Why waiting");
            for (MessageRecord m : router.pending(limit)) {
                t.addRow().addContent(m.id(), m.userId(), m.kind(), m.status(), m.route(), m.attempts(),
                        m.failureReason() == null ? "" : m.failureReason());
            }
            t.print(System.out);
            return null;
        }
    }

    @Command(scope = "email", name = "retry", description = "Puts a failed message back in the outbox")
    @Service
    public static class Retry implements Action {
        @Reference
        MessageRouter router;

        @Argument(index = 0, name = "message", description = "The message id", required = true)
        String id;

        @Override
        public Object execute() throws Exception {
            if (!router.retry(id)) {
                throw UserCommand.refused("Message " + id + " is unknown or has not failed.");
            }
            System.out.println("Message " + id + " is queued again.");
            return null;
        }
    }
}
