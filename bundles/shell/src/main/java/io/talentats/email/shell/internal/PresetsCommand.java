package io.talentats.email.shell.internal;

import java.util.List;

import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.ProviderPresets;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "email", name = "presets", description = "Lists the mail provider presets, or finds the one for an address")
@Service
public class PresetsCommand implements Action {

    @Reference
    ProviderPresets presets;

    @Option(name = "--address", aliases = "-a", description = "Show the preset for this email address")
    String address;

    @Override
    public Object execute() throws Exception {
        List<ProviderPreset> shown;
        if (address != null) {
            shown = presets.lookup(address).map(List::of).orElse(List.of());
            if (shown.isEmpty()) {
                throw UserCommand.refused("No preset known for " + address + ": enter the servers by hand (see the "
                        + "provider's help pages: \"<provider> SMTP settings\").");
            }
        } else {
            shown = presets.list();
        }
        ShellTable t = new ShellTable();
        t.column("Id");
        t.column("Provider");
        t.column("SMTP");
        t.column("IMAP");
        t.column("Login");
        t.column("Files sent mail");
        t.column("Limits");
        for (ProviderPreset p : shown) {
            t.addRow().addContent(p.id(), p.displayName(), p.smtp(), p.imap(), p.authMethod(),
                    p.filesSentMail() ? "yes" : "no", p.sendingLimits().isEmpty() ? "" : p.sendingLimits().toString());
        }
        t.print(System.out);
        if (address != null && !shown.get(0).authNotes().isBlank()) {
            System.out.println();
            System.out.println(shown.get(0).authNotes());
        }
        return null;
    }
}
