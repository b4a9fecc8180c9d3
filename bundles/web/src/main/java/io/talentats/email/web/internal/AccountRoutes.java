package io.talentats.email.web.internal;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

import javax.servlet.http.HttpServletRequest;

import com.google.gson.JsonObject;

import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.Discovery;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.OAuthSignIns;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.TestOptions;
import io.talentats.email.runtime.CredentialUnavailableException;

/**
 * The routes about a recruiter's account: presets and discovery for the form, save, disconnect, Test Connection,
 * and OAuth sign-in started and completed. What a route may be called by is {@link ApiServlet}'s route table.
 */
final class AccountRoutes {

    private final AccountSettingsService settings;
    private final ProviderPresets presets;
    private final ConnectionTester tester;
    /** Settings discovery; {@code null} while its feature is not installed. */
    private final Supplier<Discovery> discovery;
    /** OAuth sign-in; {@code null} while its feature is not installed. */
    private final Supplier<OAuthSignIns> signIns;

    AccountRoutes(AccountSettingsService settings, ProviderPresets presets, ConnectionTester tester,
            Supplier<Discovery> discovery, Supplier<OAuthSignIns> signIns) {
        this.settings = settings;
        this.presets = presets;
        this.tester = tester;
        this.discovery = discovery;
        this.signIns = signIns;
    }

    Object discover(String address) {
        Discovery d = discovery.get();
        if (d == null) {
            throw new ApiException(503, "Settings discovery is not installed (feature talentats-email-discovery)");
        }
        if (address == null || address.isBlank()) {
            throw new ApiException(400, "Give the address: GET /discover?address=jane@example.com",
                    List.of(new FieldError("address", "the email address to find the servers of")));
        }
        try {
            return d.discover(address);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage(), List.of(new FieldError("address", e.getMessage())));
        }
    }

    Object presets(String address) {
        if (address == null) {
            return presets.list();
        }
        return presets.lookup(address)
                .orElseThrow(() -> new ApiException(404, "No preset known for " + address
                        + ". Enter the server names and ports your mail provider gives."));
    }

    Object saveAccount(String userId, HttpServletRequest req) {
        try {
            return settings.save(userId, Requests.read(req, Json.AccountInput.class).toDraft());
        } catch (InvalidSettingsException e) {
            throw new ApiException(400, "The settings were not saved: fix the fields listed", e.errors());
        }
    }

    /** Starts a browser sign-in; the page sends the browser to the answer's {@code authorizationUrl}. */
    Object startSignIn(String userId, ApiCall call) {
        HttpServletRequest req = call.req();
        OAuthSignIns s = signIns.get();
        if (s == null) {
            throw new ApiException(503, "OAuth sign-in is not installed (feature talentats-email-oauth)");
        }
        Json.SignInInput in = Requests.read(req, Json.SignInInput.class);
        if (in.provider == null || in.provider.isBlank()) {
            throw new ApiException(400, "Send {\"provider\": \"google\"} or another of GET /oauth/providers",
                    List.of(new FieldError("provider", "one of the configured OAuth providers")));
        }
        try {
            return Map.of("authorizationUrl", s.start(userId, in.provider.trim(),
                    in.presetId == null || in.presetId.isBlank() ? null : in.presetId.trim(), in.address,
                    call.caller().binding(), in.mailAccess == null || in.mailAccess.isBlank() ? null
                            : in.mailAccess.trim()).toString());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    Object disconnect(String userId) {
        if (!settings.disconnect(userId)) {
            throw noAccount(userId);
        }
        return null;
    }

    /**
     * Tests the settings in the body, or the stored ones when the body is empty (with or without a content type)
     * or {@code ?stored=true}.
     */
    Object test(String userId, HttpServletRequest req) {
        TestOptions options = Boolean.parseBoolean(req.getParameter("roundTrip"))
                ? TestOptions.withRoundTrip() : TestOptions.loginOnly();
        String body = Boolean.parseBoolean(req.getParameter("stored")) ? "" : Requests.body(req);
        ConnectionReport report;
        if (body.isBlank()) {
            try {
                report = tester.testStored(userId, options);
            } catch (NoSuchElementException e) {
                throw noAccount(userId);
            } catch (CredentialUnavailableException e) {
                throw new ApiException(409, "The stored sign-in cannot be used: " + e.getMessage())
                        .with("needsSignIn", e.needsSignIn());
            }
        } else {
            Requests.requireJson(req);
            try {
                report = tester.test(userId, Requests.parse(body, Json.AccountInput.class).toDraft(), options);
            } catch (InvalidSettingsException e) {
                throw new ApiException(400, "Nothing was contacted: fix the fields listed", e.errors());
            }
        }
        JsonObject out = Json.GSON.toJsonTree(report).getAsJsonObject();
        out.addProperty("passed", report.passed());
        out.addProperty("summary", report.summary());
        return out;
    }

    /** {@code {"state": "...", "code": "..."}}, from the page that the callback sent back with them. */
    Object completeSignIn(ApiCall call) {
        OAuthSignIns s = signIns.get();
        if (s == null) {
            throw new ApiException(503, "OAuth sign-in is not installed (feature talentats-email-oauth)");
        }
        JsonObject in = call.body(JsonObject.class);
        String state = in.has("state") && in.get("state").isJsonPrimitive() ? in.get("state").getAsString() : null;
        String code = in.has("code") && in.get("code").isJsonPrimitive() ? in.get("code").getAsString() : null;
        if (state == null || state.isBlank() || code == null || code.isBlank()) {
            throw new ApiException(400, "Send {\"state\": \"...\", \"code\": \"...\"} as the provider returned them",
                    List.of(new FieldError(state == null || state.isBlank() ? "state" : "code", "missing")));
        }
        SignInCompletion.Outcome done = SignInCompletion.complete(s, tester, state, code, call.caller().binding());
        if (done.userId() == null) {
            throw new ApiException(409, done.message());
        }
        return done.fields();
    }

    static ApiException noAccount(String userId) {
        return new ApiException(404, "User " + userId + " has no email account connected");
    }
}
