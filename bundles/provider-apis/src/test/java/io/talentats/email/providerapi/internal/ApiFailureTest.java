package io.talentats.email.providerapi.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.talentats.email.api.FailureClass;
import io.talentats.email.providerapi.internal.ApiFailure.Api;

import org.junit.jupiter.api.Test;

/** Error answers as the APIs' references show them, classified. */
class ApiFailureTest {

    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");

    private static ApiFailure graph(int status, String code, String message) {
        return ApiFailure.of(Api.GRAPH, status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message
                + "\",\"innerError\":{\"date\":\"2026-12-08T10:00:00\",\"request-id\":\"r1\"}}}", null, NOW);
    }

    private static ApiFailure gmail(int status, String reason, String message) {
        return ApiFailure.of(Api.GMAIL, status, "{\"error\":{\"code\":" + status + ",\"message\":\"" + message
                + "\",\"errors\":[{\"message\":\"" + message + "\",\"domain\":\"global\",\"reason\":\"" + reason
                + "\"}],\"status\":\"X\"}}", null, NOW);
    }

    @Test
    void graphErrors() {
        assertThat(graph(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.").failure())
                .isEqualTo(FailureClass.PERMISSION_NOT_GRANTED);
        assertThat(graph(403, "ErrorAccessDenied", "Access is denied.").advice())
                .contains("administrator has not granted").contains("Mail.Send");
        assertThat(graph(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is "
                + "hosted on-premise.").failure()).isEqualTo(FailureClass.API_ACCESS_DISABLED);
        assertThat(graph(403, "ErrorSubmissionQuotaExceeded", "Cannot send mail: quota exceeded.").failure())
                .isEqualTo(FailureClass.QUOTA_EXCEEDED);
        assertThat(graph(400, "ErrorInvalidRecipients", "At least one recipient is not valid.").failure())
                .isEqualTo(FailureClass.RECIPIENT_REJECTED);
        assertThat(graph(413, "ErrorRequestEntityTooLarge", "too large").failure())
                .isEqualTo(FailureClass.MESSAGE_TOO_LARGE);
        assertThat(graph(400, "ErrorMessageSizeExceeded", "The message exceeds the maximum supported size.")
                .failure()).isEqualTo(FailureClass.MESSAGE_TOO_LARGE);
        ApiFailure token = graph(401, "InvalidAuthenticationToken", "Access token has expired.");
        assertThat(token.tokenRefused()).isTrue();
        assertThat(token.signInAgain()).isFalse();
        assertThat(graph(410, "SyncStateNotFound", "The sync state generation is not found.").resyncNeeded())
                .isTrue();
        assertThat(graph(400, "syncStateInvalid", "invalid").resyncNeeded()).isTrue();
        ApiFailure down = graph(503, "ServiceNotAvailable", "try later");
        assertThat(down.transientFailure()).isTrue();
        assertThat(down.failure()).isEqualTo(FailureClass.UNKNOWN);
    }

    @Test
    void gmailErrors() {
        assertThat(gmail(403, "insufficientPermissions", "Request had insufficient authentication scopes.")
                .failure()).isEqualTo(FailureClass.PERMISSION_NOT_GRANTED);
        assertThat(gmail(403, "insufficientPermissions", "x").advice()).contains("gmail.send");
        assertThat(gmail(400, "failedPrecondition", "Mail service not enabled").failure())
                .isEqualTo(FailureClass.API_ACCESS_DISABLED);
        assertThat(gmail(400, "invalidArgument", "Invalid To header").failure())
                .isEqualTo(FailureClass.RECIPIENT_REJECTED);
        assertThat(gmail(403, "userRateLimitExceeded", "User-rate limit exceeded.").failure())
                .isEqualTo(FailureClass.THROTTLED);
        assertThat(gmail(403, "dailyLimitExceeded", "Daily Limit Exceeded").failure())
                .isEqualTo(FailureClass.QUOTA_EXCEEDED);
        ApiFailure notFound = gmail(404, "notFound", "Requested entity was not found.");
        assertThat(notFound.resyncNeeded()).as("a 404 alone says nothing of a checkpoint").isFalse();
        assertThat(ApiFailure.checkpointExpired(notFound).resyncNeeded()).isTrue();
        assertThat(gmail(401, "authError", "Invalid Credentials").tokenRefused()).isTrue();
        ApiFailure grant = ApiFailure.of(Api.GMAIL, 400, "{\"error\":\"invalid_grant\",\"error_description\":"
                + "\"Token has been expired or revoked.\"}", null, NOW);
        assertThat(grant.signInAgain()).isTrue();
        assertThat(grant.getMessage()).contains("invalid_grant").contains("expired or revoked");
    }

    @Test
    void retryAfterInSecondsOrAsAnHttpDateAndBodiesThatAreNotJson() {
        ApiFailure seconds = ApiFailure.of(Api.GRAPH, 429, "{\"error\":{\"code\":\"TooManyRequests\"}}", "30", NOW);
        assertThat(seconds.retryAfter()).contains(Duration.ofSeconds(30));
        assertThat(seconds.failure()).isEqualTo(FailureClass.THROTTLED);
        ApiFailure date = ApiFailure.of(Api.GMAIL, 503, "", "Tue, 08 Dec 2026 10:01:30 GMT", NOW);
        assertThat(date.retryAfter()).contains(Duration.ofSeconds(90));
        assertThat(date.failure()).isEqualTo(FailureClass.THROTTLED);
        ApiFailure withoutHeader = ApiFailure.of(Api.GRAPH, 429, "<html>busy</html>", null, NOW);
        assertThat(withoutHeader.retryAfter()).as("a pause even when none was given").isPresent();
        assertThat(ApiFailure.of(Api.GRAPH, 502, "<html>Bad gateway</html>", null, NOW).transientFailure())
                .isTrue();
        assertThat(ApiFailure.of(Api.GRAPH, 400, "{\"error\": null}", "soon", NOW).retryAfter()).isEmpty();
        assertThat(ApiFailure.of(Api.GRAPH, 400, "[1,2]", null, NOW).code()).isNull();
    }
}
