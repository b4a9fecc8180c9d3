package io.talentats.email.shell.internal;

import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.TestOptions;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

@Command(scope = "email", name = "account-test", description = "Tests a user's stored settings against the real "
        + "servers and says what to fix")
@Service
public class AccountTestCommand implements Action {

    @Reference
    ConnectionTester tester;

    @Argument(index = 0, name = "user", description = "The ATS user id", required = true)
    @Completion(Completers.Users.class)
    String user;

    @Option(name = "--round-trip", description = "Also send a message to the account's own address and wait for it")
    boolean roundTrip;

    @Override
    public Object execute() {
        ConnectionReport r = tester.testStored(user, roundTrip ? TestOptions.withRoundTrip() : TestOptions.loginOnly());
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
        System.out.println(r.passed() ? "Connection works." : "Connection does not work yet.");
        return null;
    }
}
