package io.talentats.email.api;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of a connection test: one {@link StepResult} per step, in order.
 *
 * @param testedAt when the test started
 * @param presetId the preset whose advice was used, or {@code null}
 * @param steps the steps
 */
public record ConnectionReport(Instant testedAt, String presetId, List<StepResult> steps) {

    public ConnectionReport {
        steps = List.copyOf(steps);
    }

    /** Whether every step that ran passed and none was skipped for a failure. */
    public boolean passed() {
        return steps.stream().allMatch(StepResult::passed);
    }

    public Optional<StepResult> step(TestStep step) {
        return steps.stream().filter(s -> s.step() == step).findFirst();
    }

    /** One line, e.g. {@code SMTP passed; IMAP failed: AUTHENTICATION_FAILED}. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (StepResult s : steps) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append(s.step()).append(' ').append(s.outcome().name().toLowerCase(java.util.Locale.ROOT));
            if (s.failure() != null) {
                sb.append(": ").append(s.failure());
            }
        }
        return sb.toString();
    }
}
