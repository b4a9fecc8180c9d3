package io.talentats.email.providerapi.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;

import io.talentats.email.api.FailureClass;
import io.talentats.email.mail.ClassifiedFailure;
import io.talentats.email.mail.Diagnosis;

/**
 * A provider mail API's refusal, classified: what failed in the product's terms ({@link #failure()}), what to tell
 * the recruiter or the operator ({@link #advice()}), and what the caller does next: wait for {@link #retryAfter()},
 * hand the access token back once ({@link #tokenRefused()}), ask for a new sign-in ({@link #signInAgain()}), or read
 * the mailbox again from its checkpoint time ({@link #resyncNeeded()}). Made from the status, the {@code Retry-After}
 * header and the JSON error body each API documents:
 * Graph {@code {"error": {"code": "ErrorAccessDenied", "message": "…"}}}, Gmail
 * {@code {"error": {"code": 403, "message": "…", "errors": [{"reason": "insufficientPermissions"}], "status": "…"}}}.
 * Never carries a token.
 */
final class ApiFailure extends IOException implements ClassifiedFailure {

    private static final long serialVersionUID = 1L;

    /** Which API answered. */
    enum Api {
        GRAPH("Microsoft Graph"),
        GMAIL("the Gmail API");

        final String label;

        Api(String label) {
            this.label = label;
        }
    }

    private final transient Api api;
    private final int status;
    private final String code;
    private final FailureClass failure;
    private final String advice;
    private final transient Duration retryAfter;
    private final boolean tokenRefused;
    private final boolean signInAgain;
    private final boolean resyncNeeded;

    private ApiFailure(Api api, int status, String code, String message, FailureClass failure, String advice,
            Duration retryAfter, boolean tokenRefused, boolean signInAgain, boolean resyncNeeded) {
        super(api.label + " answered " + status + (code == null ? "" : " " + code)
                + (message == null || message.isBlank() ? "" : ": " + message));
        this.api = api;
        this.status = status;
        this.code = code;
        this.failure = failure;
        this.advice = advice;
        this.retryAfter = retryAfter;
        this.tokenRefused = tokenRefused;
        this.signInAgain = signInAgain;
        this.resyncNeeded = resyncNeeded;
    }

    int status() {
        return status;
    }

    /** The API's own error code (Graph's {@code code}, Gmail's first {@code reason}), or {@code null}. */
    String code() {
        return code;
    }

    FailureClass failure() {
        return failure;
    }

    String advice() {
        return advice;
    }

    /** As {@link io.talentats.email.mail.MailFailures} reports it: the class, the API's words, and the advice. */
    @Override
    public Diagnosis diagnosis() {
        return new Diagnosis(failure, getMessage(), advice);
    }

    /** How long the API asked to wait before the next request to this mailbox; empty when it did not ask. */
    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public boolean retryable() {
        return transientFailure() || tokenRefused || resyncNeeded;
    }

    /** Whether the request may succeed as it is later (throttled, or the service unavailable for a while). */
    boolean transientFailure() {
        return retryAfter != null || status == 429 || status >= 500;
    }

    /** The access token itself was refused (expired, revoked): hand it back once and try with a fresh one. */
    boolean tokenRefused() {
        return tokenRefused;
    }

    /** The grant no longer works: the recruiter must sign in again. */
    boolean signInAgain() {
        return signInAgain;
    }

    /** The checkpoint (delta link, history id) is no longer known: read again from the checkpoint's time. */
    boolean resyncNeeded() {
        return resyncNeeded;
    }

    /** The failure for an answer of {@code status} with {@code body} and {@code Retry-After} value (or null). */
    static ApiFailure of(Api api, int status, String body, String retryAfterHeader, Instant now) {
        String code = null;
        String message = null;
        JsonObject error = error(body);
        if (error != null) {
            message = string(error, "message");
            if (api == Api.GRAPH) {
                code = string(error, "code");
            } else {
                JsonElement errors = error.get("errors");
                if (errors != null && errors.isJsonArray() && !errors.getAsJsonArray().isEmpty()
                        && errors.getAsJsonArray().get(0).isJsonObject()) {
                    code = string(errors.getAsJsonArray().get(0).getAsJsonObject(), "reason");
                }
                if (code == null) {
                    code = string(error, "status");
                }
            }
        }
        Duration retryAfter = retryAfter(retryAfterHeader, now);
        String c = code == null ? "" : code.toLowerCase(Locale.ROOT);
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        String who = api.label;
        // The order matters: a code says more than a status, and some codes come with several statuses.
        if (status == 429 || c.equals("toomanyrequests") || c.equals("applicationthrottled")
                || c.equals("ratelimitexceeded") || c.equals("userratelimitexceeded")
                || (status == 503 && retryAfter != null)) {
            return new ApiFailure(api, status, code, message, FailureClass.THROTTLED, who + " asks to slow down; "
                    + "the next request to this mailbox waits " + (retryAfter == null ? "a moment"
                            : "the " + retryAfter.toSeconds() + " s it asked for") + ".",
                    retryAfter == null ? Duration.ofSeconds(30) : retryAfter, false, false, false);
        }
        if (status == 410 || c.equals("syncstatenotfound") || c.equals("resyncrequired")
                || c.equals("syncstateinvalid")) {
            return new ApiFailure(api, status, code, message, FailureClass.UNKNOWN, "The mailbox's change position "
                    + "is no longer known to " + who + "; it is read again from the time of its checkpoint.",
                    null, false, false, true);
        }
        if (c.equals("invalid_grant")) {
            return new ApiFailure(api, status, code, message, FailureClass.AUTHENTICATION_FAILED, "The sign-in "
                    + "no longer works (withdrawn, expired or the password changed): sign in again.", null, false,
                    true, false);
        }
        if (c.equals("mailboxnotenabledforrestapi") || c.equals("mailboxnotsupportedforrestapi")
                || m.contains("mail service not enabled")) {
            return new ApiFailure(api, status, code, message, FailureClass.API_ACCESS_DISABLED, api == Api.GRAPH
                    ? "This mailbox cannot be used through Microsoft Graph (an on-premises or inactive mailbox, or "
                            + "one without an Exchange Online licence): ask your administrator, or connect it with "
                            + "SMTP and IMAP."
                    : "Gmail is not enabled for this Google account: ask your Google Workspace administrator to turn "
                            + "the Gmail service on for it.", null, false, false, false);
        }
        if (c.equals("errorsubmissionquotaexceeded") || c.equals("quotaexceeded")
                || c.equals("dailylimitexceeded") || c.equals("errorquotaexceeded")) {
            return new ApiFailure(api, status, code, message, FailureClass.QUOTA_EXCEEDED, "The mailbox has used "
                    + "up what " + who + " lets it send or read for now; sending goes on when the provider allows "
                    + "it (for Microsoft 365 usually within 24 hours).", retryAfter, false, false, false);
        }
        if (status == 413 || c.equals("errormessagesizeexceeded") || c.equals("requesttoolarge")
                || c.equals("uploadtoolarge")) {
            return new ApiFailure(api, status, code, message, FailureClass.MESSAGE_TOO_LARGE, "The message is "
                    + "larger than " + who + " accepts: send large files as links.", null, false, false, false);
        }
        if (c.equals("errorinvalidrecipients") || c.equals("errorinvalidrecipient")
                || (c.equals("invalidargument") && (m.contains("to header") || m.contains("recipient")))) {
            return new ApiFailure(api, status, code, message, FailureClass.RECIPIENT_REJECTED, who + " refused a "
                    + "recipient address: check the addresses.", null, false, false, false);
        }
        if (status == 401) {
            return new ApiFailure(api, status, code, message, FailureClass.AUTHENTICATION_FAILED, who + " refused "
                    + "the access token; a fresh one is asked for, and if that fails too the recruiter signs in "
                    + "again.", null, true, false, false);
        }
        if (status == 403 || c.equals("erroraccessdenied") || c.equals("authorization_requestdenied")
                || c.equals("insufficientpermissions") || c.equals("access_denied")) {
            return new ApiFailure(api, status, code, message, FailureClass.PERMISSION_NOT_GRANTED, "Your "
                    + "administrator has not granted talentATS the permission to " + (api == Api.GRAPH
                            ? "send and read mail through Microsoft Graph (Mail.Send, Mail.Read)"
                            : "send and read mail through the Gmail API (gmail.send, gmail.readonly)")
                    + ", or it was not accepted at sign-in: ask them to consent, then sign in again.", null, false,
                    false, false);
        }
        return new ApiFailure(api, status, code, message, FailureClass.UNKNOWN, status >= 500
                ? who + " is not answering properly now; the request is tried again later."
                : who + " refused the request.", retryAfter, false, false, false);
    }

    /**
     * A checkpoint the API no longer keeps, said by the call that used it (Gmail answers an expired history id with
     * a plain 404, "Requested entity was not found.").
     */
    static ApiFailure checkpointExpired(ApiFailure f) {
        return new ApiFailure(f.api, f.status, f.code, f.getMessage(), FailureClass.UNKNOWN, "The mailbox's change "
                + "position is no longer known to " + f.api.label + "; it is read again from the time of its "
                + "checkpoint.", null, false, false, true);
    }

    private static JsonObject error(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonElement root = JsonParser.parseString(body);
            if (!root.isJsonObject()) {
                return null;
            }
            JsonElement e = root.getAsJsonObject().get("error");
            if (e != null && e.isJsonObject()) {
                return e.getAsJsonObject();
            }
            if (e != null && e.isJsonPrimitive()) {
                // An OAuth-style answer: {"error": "invalid_grant", "error_description": "…"}
                JsonObject o = new JsonObject();
                o.addProperty("code", e.getAsString());
                o.addProperty("reason", e.getAsString());
                JsonElement d = root.getAsJsonObject().get("error_description");
                if (d != null && d.isJsonPrimitive()) {
                    o.addProperty("message", d.getAsString());
                }
                com.google.gson.JsonArray errors = new com.google.gson.JsonArray();
                JsonObject reason = new JsonObject();
                reason.addProperty("reason", e.getAsString());
                errors.add(reason);
                o.add("errors", errors);
                return o;
            }
            return null;
        } catch (JsonSyntaxException | IllegalStateException e) {
            return null; // not JSON (a proxy's HTML page, say): the status alone decides
        }
    }

    private static String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    /** {@code Retry-After} as seconds or as an HTTP date (RFC 9110), or {@code null}. */
    static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.trim();
        try {
            long seconds = Long.parseLong(h);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }
}
