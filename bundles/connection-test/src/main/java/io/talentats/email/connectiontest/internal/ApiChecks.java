package io.talentats.email.connectiontest.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.StepResult.Outcome;
import io.talentats.email.api.TestStep;
import io.talentats.email.mail.ApiInbox;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.MailFailures;
import io.talentats.email.runtime.MailAccount;

/**
 * Test Connection of a mailbox reached through a provider's API: the sign-in's token reads the mailbox's profile
 * (and it is the account's mailbox), then the inbox is read (the read permission was granted). Each failure is
 * classified with the API's words and the advice for it. Nothing is sent: sending is the permission the first real
 * message shows.
 */
final class ApiChecks {

    private ApiChecks() {}

    static ConnectionReport run(MailAccount account, ApiInbox inbox, Instant testedAt, String presetId) {
        List<StepResult> steps = new ArrayList<>();
        long started = System.nanoTime();
        StepResult profile;
        try {
            String who = inbox.profile();
            profile = who.trim().equalsIgnoreCase(account.emailAddress().trim())
                    ? new StepResult(TestStep.API_PROFILE, Outcome.PASSED, null, null, "signed in to " + who
                            + " through " + access(account), List.of(), Steps.since(started))
                    : new StepResult(TestStep.API_PROFILE, Outcome.FAILED, FailureClass.AUTHENTICATION_FAILED, null,
                            "the sign-in is for " + who + ", not " + account.emailAddress(), List.of("Sign in again "
                                    + "with the mailbox " + account.emailAddress() + "."), Steps.since(started));
        } catch (Exception e) {
            profile = failed(TestStep.API_PROFILE, e, started);
        }
        steps.add(profile);
        if (!profile.passed()) {
            steps.add(new StepResult(TestStep.API_INBOX, Outcome.SKIPPED, null, null,
                    "skipped: the sign-in must work first", List.of(), java.time.Duration.ZERO));
            return new ConnectionReport(testedAt, presetId, steps);
        }
        long read = System.nanoTime();
        try {
            ApiInbox.Changes c = inbox.changes(null, testedAt);
            steps.add(new StepResult(TestStep.API_INBOX, Outcome.PASSED, null, null, "the inbox can be read ("
                    + c.added().size() + " new since now)", List.of(), Steps.since(read)));
        } catch (Exception e) {
            steps.add(failed(TestStep.API_INBOX, e, read));
        }
        return new ConnectionReport(testedAt, presetId, steps);
    }

    private static StepResult failed(TestStep step, Exception e, long started) {
        Diagnosis d = MailFailures.classify(e, null);
        String advice = d.detail() == null || d.detail().isBlank() ? "Try again later." : d.detail();
        return new StepResult(step, Outcome.FAILED, d.failure(), d.serverReply(), String.valueOf(
                d.serverReply() != null ? d.serverReply() : e.getMessage()), List.of(advice), Steps.since(started));
    }

    private static String access(MailAccount a) {
        return switch (a.access().toLowerCase(Locale.ROOT)) {
            case "graph" -> "Microsoft Graph";
            case "gmail-api" -> "the Gmail API";
            default -> a.access();
        };
    }
}
