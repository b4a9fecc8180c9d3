package io.talentats.email.shell.internal;

import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.TestOptions;

import java.util.NoSuchElementException;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "email", name = "account-test", description = "Tests a user's stored settings against the real "
        + "servers and says what to fix")
@Service
public class AccountTestCommand extends UserCommand {

    @Reference
    ConnectionTester tester;

    @Option(name = "--round-trip", description = "Also send a message to the account's own address and wait for it")
    boolean roundTrip;

    @Override
    public Object execute() throws Exception {
        ConnectionReport r;
        try {
            r = tester.testStored(user, roundTrip ? TestOptions.withRoundTrip() : TestOptions.loginOnly());
        } catch (NoSuchElementException e) {
            throw noAccount();
        }
        print(r);
        if (!r.passed()) {
            throw refused("Connection does not work yet: " + r.summary());
        }
        System.out.println("Connection works.");
        return null;
    }

    /** Each step of a Test Connection with its time, what it found and, for a failure, the advice. */
    static void print(ConnectionReport r) {
        for (StepResult s : r.steps()) {
            System.out.printf("%-20s %-8s %5d ms  %s%n", s.step(), s.outcome(), s.duration().toMillis(), s.detail());
            if (s.failure() != null) {
                System.out.println("    failure: " + s.failure());
                if (s.serverReply() != null) {
                    System.out.println("    server said: " + s.serverReply());
                }
                for (String a : s.advice()) {
                    System.out.println("    - " + a);
                }
            }
        }
    }
}
