package io.talentats.email.health.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.StepResult;

/** The watch's decisions, as pure functions of what the store says and the clock. */
final class HealthRules {

    /** Failures that only the recruiter can fix with their login (password, app password, provider settings). */
    private static final Set<FailureClass> LOGIN = EnumSet.of(FailureClass.AUTHENTICATION_FAILED,
            FailureClass.APP_PASSWORD_REQUIRED, FailureClass.BASIC_AUTH_DISABLED, FailureClass.SMTP_AUTH_DISABLED,
            FailureClass.IMAP_DISABLED, FailureClass.PERMISSION_NOT_GRANTED, FailureClass.API_ACCESS_DISABLED);

    private HealthRules() {}

    /** An ISO-8601 duration from the configuration; the message names the key and what to write. */
    static Duration duration(String key, String value) {
        try {
            Duration d = Duration.parse(value.trim());
            if (d.isNegative()) {
                throw new IllegalArgumentException(key + " must not be negative: " + value);
            }
            return d;
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as PT1M, PT1H or P1D, not "
                    + value);
        }
    }

    /**
     * When the account was last known to work or was last tested: the newest of its last test and its last
     * successful use (a message sent through it, a reply collected from it), or when it was saved.
     */
    static Instant lastLook(Account a, Instant lastUse) {
        Instant t = a.savedAt() == null ? Instant.EPOCH : a.savedAt();
        if (a.lastVerification() != null && a.lastVerification().at().isAfter(t)) {
            t = a.lastVerification().at();
        }
        // Use proves health only while the account is healthy: a failing one is tested whatever it did before.
        if (lastUse != null && a.health().isHealthy() && lastUse.isAfter(t)) {
            t = lastUse;
        }
        return t;
    }

    /** Whether a re-check of {@code a} is due at {@code now}. */
    static boolean due(Account a, Instant lastLook, Instant now, Duration interval) {
        return a.enabled() && !interval.isZero() && !lastLook.plus(interval).isAfter(now);
    }

    /** How many checks one look may run so that every account is checked once per interval, spread evenly. */
    static int budget(int accounts, Duration tick, Duration interval) {
        if (interval.isZero()) {
            return 0;
        }
        double perTick = (double) accounts * tick.toMillis() / Math.max(1, interval.toMillis());
        return (int) Math.max(1, Math.ceil(perTick));
    }

    /** What a failed test of the stored settings says about the account; empty when it passed. */
    static Optional<AccountHealth> fromReport(ConnectionReport report, Instant now) {
        if (report.passed()) {
            return Optional.empty();
        }
        StepResult failed = report.steps().stream().filter(s -> !s.passed()).findFirst().orElseThrow();
        String reason = failed.detail() == null ? report.summary() : failed.detail();
        AccountHealth.State state = failed.failure() != null && LOGIN.contains(failed.failure())
                ? AccountHealth.State.AUTHENTICATION_FAILING : AccountHealth.State.UNREACHABLE;
        return Optional.of(new AccountHealth(state, reason, now));
    }

    /** Whether the recruiter should be told about the account's current incident now. */
    static boolean worthTelling(AccountHealth h, Instant now, Duration unreachableAfter) {
        return switch (h.state()) {
            case HEALTHY -> false;
            case AUTHENTICATION_FAILING, NEEDS_REAUTHORIZATION -> true;
            case UNREACHABLE -> h.since() != null && !h.since().plus(unreachableAfter).isAfter(now);
        };
    }

    /** Whether the account has failed long enough to be paused. */
    static boolean pauseDue(Account a, Instant now, Duration pauseAfter) {
        AccountHealth h = a.health();
        return a.enabled() && !pauseAfter.isZero() && !h.isHealthy() && h.since() != null
                && !h.since().plus(pauseAfter).isAfter(now);
    }

    /**
     * The key that makes a notice about one incident a single message, across looks and restarts: the router
     * keeps one message per key.
     */
    static String noticeKey(String what, Account a) {
        return "account-" + what + ":" + a.userId() + ":" + a.health().state() + ":"
                + (a.health().since() == null ? 0 : a.health().since().toEpochMilli());
    }
}
