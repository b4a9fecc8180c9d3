package io.talentats.email.shell.internal;

import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.Page;
import io.talentats.email.api.PageRequest;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

/** What the collector set aside: messages it could not read (quarantine) and ones it could not place (triage). */
final class SetAsideCommands {

    private SetAsideCommands() {}

    static void print(Page<MessageRecord> page, String what) {
        ShellTable t = new ShellTable();
        t.column("Received");
        t.column("Id");
        t.column("User");
        t.column("From");
        t.column("Subject");
        t.column("Why");
        for (MessageRecord m : page.items()) {
            t.addRow().addContent(m.createdAt(), m.id(), m.userId(), m.from() == null ? "" : m.from(),
                    m.subject() == null ? "" : m.subject(), m.failureReason() == null ? "" : m.failureReason());
        }
        t.print(System.out);
        System.out.println(page.total() + " message(s) in " + what);
    }

    /** Lists one kind of set-aside message, newest first. */
    abstract static class Listing implements Action {
        @Reference
        MessageHistory history;

        @Option(name = "--limit", description = "At most this many")
        int limit = 50;

        abstract Page<MessageRecord> page(PageRequest request);

        abstract String what();

        @Override
        public Object execute() {
            print(page(PageRequest.first(Math.max(1, Math.min(limit, 500)))), what());
            return null;
        }
    }

    @Command(scope = "email", name = "quarantine", description = "Lists the messages the collector could not read, "
            + "with the reason, newest first")
    @Service
    public static class Quarantine extends Listing {
        @Override
        Page<MessageRecord> page(PageRequest request) {
            return history.quarantined(request);
        }

        @Override
        String what() {
            return "quarantine";
        }
    }

    @Command(scope = "email", name = "triage", description = "Lists the messages that could answer more than one "
            + "thread, newest first; decide them with email:triage-assign or email:triage-dismiss")
    @Service
    public static class Triage extends Listing {
        @Override
        Page<MessageRecord> page(PageRequest request) {
            return history.triage(request);
        }

        @Override
        String what() {
            return "triage";
        }
    }

    @Command(scope = "email", name = "triage-assign", description = "Decides a triage item: it answers one of the "
            + "same recruiter's sent messages, and joins that thread")
    @Service
    public static class Assign implements Action {
        @Reference
        MessageHistory history;

        @Argument(index = 0, name = "message", description = "The triage item's id", required = true)
        String id;

        @Argument(index = 1, name = "answers", description = "Our id of the sent message it answers", required = true)
        String answers;

        @Override
        public Object execute() throws Exception {
            MessageRecord r = history.assignTriage(id, answers).orElseThrow(() -> UserCommand.refused("Message " + id
                    + " is not in triage, or " + answers + " is not a message its recruiter sent."));
            System.out.println("Message " + id + " is a reply in thread " + r.threadId() + ".");
            return null;
        }
    }

    @Command(scope = "email", name = "triage-dismiss", description = "Decides a triage item is no reply to any of "
            + "our messages")
    @Service
    public static class Dismiss implements Action {
        @Reference
        MessageHistory history;

        @Argument(index = 0, name = "message", description = "The triage item's id", required = true)
        String id;

        @Override
        public Object execute() throws Exception {
            if (!history.dismissTriage(id)) {
                throw UserCommand.refused("Message " + id + " is not in triage.");
            }
            System.out.println("Message " + id + " dismissed.");
            return null;
        }
    }
}
