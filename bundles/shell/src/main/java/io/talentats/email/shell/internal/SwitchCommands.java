package io.talentats.email.shell.internal;

import io.talentats.email.api.Connectivity;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** The product-wide switch. */
final class SwitchCommands {

    private SwitchCommands() {}

    @Command(scope = "email", name = "enable", description = "Switches email connectivity on: recruiters' SMTP and "
            + "reply collection resume, held messages are sent")
    @Service
    public static class Enable implements Action {
        @Reference
        Connectivity connectivity;

        @Override
        public Object execute() {
            connectivity.setEnabled(true);
            System.out.println("Email connectivity enabled.");
            return null;
        }
    }

    @Command(scope = "email", name = "disable", description = "Switches email connectivity off: no recruiter's SMTP is "
            + "used and no mailbox is watched; system mail goes through the platform, queued custom mail waits")
    @Service
    public static class Disable implements Action {
        @Reference
        Connectivity connectivity;

        @Override
        public Object execute() {
            connectivity.setEnabled(false);
            System.out.println("Email connectivity disabled.");
            return null;
        }
    }
}
