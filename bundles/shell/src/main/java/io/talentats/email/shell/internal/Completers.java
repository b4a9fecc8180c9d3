package io.talentats.email.shell.internal;

import java.util.List;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.ProviderPresets;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completion for the email:* commands. */
final class Completers {

    private Completers() {}

    /** The users who have connected a mailbox. */
    @Service
    public static class Users implements Completer {
        @Reference
        AccountSettingsService settings;

        @Override
        public int complete(Session session, CommandLine line, List<String> candidates) {
            StringsCompleter c = new StringsCompleter();
            settings.list().stream().map(Account::userId).forEach(c.getStrings()::add);
            return c.complete(session, line, candidates);
        }
    }

    /** The ids of the provider presets. */
    @Service
    public static class Presets implements Completer {
        @Reference
        ProviderPresets presets;

        @Override
        public int complete(Session session, CommandLine line, List<String> candidates) {
            StringsCompleter c = new StringsCompleter();
            presets.list().stream().map(ProviderPreset::id).forEach(c.getStrings()::add);
            return c.complete(session, line, candidates);
        }
    }
}
