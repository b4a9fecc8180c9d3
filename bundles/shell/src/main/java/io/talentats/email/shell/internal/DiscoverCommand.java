package io.talentats.email.shell.internal;

import io.talentats.email.api.Discovered;
import io.talentats.email.api.Discovery;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Finds the servers of an address, and says where they came from; sends no password. */
@Command(scope = "email", name = "discover", description = "Finds an address's mail servers: presets, the "
        + "provider's autoconfig, the ISP database, DNS SRV and MX, common names")
@Service
public class DiscoverCommand implements Action {

    @Reference(optional = true)
    Discovery discovery;

    @Argument(index = 0, name = "address", description = "The email address", required = true)
    String address;

    @Override
    public Object execute() throws Exception {
        if (discovery == null) {
            throw UserCommand.refused("Settings discovery is not installed: feature:install talentats-email-discovery");
        }
        Discovered d;
        try {
            d = discovery.discover(address);
        } catch (IllegalArgumentException e) {
            throw UserCommand.refused(e.getMessage());
        }
        if (!d.found()) {
            System.out.println("Nothing found for " + address + ": " + d.sourceDetail());
            return null;
        }
        System.out.println("Source:   " + d.source() + " - " + d.sourceDetail()
                + (d.confirmationNeeded() ? " (unverified: confirm before use)" : ""));
        if (d.presetId() != null) {
            System.out.println("Preset:   " + d.presetId());
        }
        System.out.println("SMTP:     " + d.smtp());
        System.out.println("IMAP:     " + d.imap());
        System.out.println("Username: " + d.username() + (d.oauth() ? " (signs in with OAuth 2.0)" : ""));
        for (String n : d.notes()) {
            System.out.println("Note:     " + n);
        }
        return null;
    }
}
