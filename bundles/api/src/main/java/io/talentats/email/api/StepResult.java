package io.talentats.email.api;

import java.time.Duration;
import java.util.List;

/**
 * The outcome of one step of a connection test.
 *
 * @param step which step
 * @param outcome passed, failed or skipped (a step after a failed one is skipped)
 * @param failure why it failed, or {@code null}
 * @param serverReply the server's own words where it gave any (e.g. {@code 535 5.7.8 Username and Password not
 *     accepted}), or {@code null}
 * @param detail what happened, one line
 * @param advice what the recruiter should do, most specific first; empty when passed
 * @param duration how long the step took
 */
public record StepResult(
        TestStep step,
        Outcome outcome,
        FailureClass failure,
        String serverReply,
        String detail,
        List<String> advice,
        Duration duration) {

    public StepResult {
        advice = List.copyOf(advice);
    }

    /** The outcome of a step. */
    public enum Outcome {
        PASSED,
        FAILED,
        SKIPPED
    }

    public boolean passed() {
        return outcome == Outcome.PASSED;
    }
}
