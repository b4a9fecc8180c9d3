package io.talentats.email.sandbox.internal;

import java.util.List;

import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "sandbox", name = "inbox", description = "Lists the messages in a sandbox mailbox, newest first")
@Service
public class InboxCommand implements Action {

    @Reference
    SandboxMailServer server;

    @Argument(index = 0, name = "address", description = "The mailbox, e.g. candidate@sandbox.test")
    String address = "candidate@sandbox.test";

    @Override
    public Object execute() throws Exception {
        List<MimeMessage> inbox = server.inbox(address);
        ShellTable t = new ShellTable();
        t.column("#");
        t.column("Date");
        t.column("From");
        t.column("Subject");
        int n = 0;
        for (MimeMessage m : inbox) {
            Address[] from = m.getFrom();
            t.addRow().addContent(++n, m.getSentDate(), from == null || from.length == 0 ? "" : from[0].toString(),
                    m.getSubject());
        }
        t.print(System.out);
        if (inbox.isEmpty()) {
            System.out.println(address + " has no messages yet.");
        }
        return null;
    }
}
