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

@Command(scope = "email", name = "thread", description = "Shows the messages of an ATS thread, newest first")
@Service
public class ThreadCommand implements Action {

    @Reference
    MessageHistory history;

    @Argument(index = 0, name = "thread", description = "The ATS thread id", required = true)
    String thread;

    @Option(name = "--limit", description = "At most this many")
    int limit = 20;

    @Option(name = "--text", description = "Show each message's text too")
    boolean text;

    @Override
    public Object execute() {
        Page<MessageRecord> page = history.forThread(thread, PageRequest.first(Math.max(1, Math.min(limit, 500))));
        ShellTable t = new ShellTable();
        t.column("When");
        t.column("Id");
        t.column("Direction");
        t.column("Status");
        t.column("From");
        t.column("Subject");
        for (MessageRecord m : page.items()) {
            t.addRow().addContent(m.createdAt(), m.id(), m.direction(), m.status(), m.from() == null ? "" : m.from(),
                    m.subject());
        }
        t.print(System.out);
        if (text) {
            for (MessageRecord m : page.items()) {
                System.out.println();
                System.out.println("--- " + m.id() + " " + m.direction());
                System.out.println(m.direction() == MessageRecord.Direction.INBOUND && m.replyText() != null
                        ? m.replyText() : m.textBody() == null ? "" : m.textBody());
            }
        }
        System.out.println(page.total() + " message(s) in thread " + thread);
        return null;
    }
}
