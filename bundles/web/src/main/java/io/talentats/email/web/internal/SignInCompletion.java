package io.talentats.email.web.internal;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.OAuthSignIns;
import io.talentats.email.api.OAuthSignIns.OAuthException;
import io.talentats.email.api.TestOptions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a browser sign-in, wherever it ends: in the callback when the browser brought its login along, or in
 * the page ({@code POST /api/oauth/complete}) when the page authenticates with a host token the provider's redirect
 * cannot carry. Completes the flow for the caller that started it, then runs Test Connection over XOAUTH2.
 */
final class SignInCompletion {

    private static final Logger LOG = LoggerFactory.getLogger(SignInCompletion.class);

    /**
     * @param userId whose account was connected, or {@code null} when the sign-in did not complete
     * @param outcome {@code connected}, {@code failed} (signed in, test failed), {@code api-offered} (signed in, but
     *     the organisation has SMTP or IMAP off for mail programs: a sign-in for the provider's API is offered) or
     *     {@code error}
     * @param message for {@code error}: what went wrong, in words
     * @param offer for {@code api-offered}: the provider and the API ({@code microsoft/graph})
     */
    record Outcome(String userId, String outcome, String message, String offer) {

        Outcome(String userId, String outcome, String message) {
            this(userId, outcome, message, null);
        }

        /** The query or JSON fields the page reads. */
        Map<String, String> fields() {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("userId", userId);
            f.put("outcome", outcome);
            if (offer != null) {
                f.put("offer", offer);
            }
            return f;
        }
    }

    /** What says that a mailbox's organisation has SMTP or IMAP off for mail programs: no sign-in of ours helps. */
    private static final Set<FailureClass> TURNED_OFF = EnumSet.of(FailureClass.SMTP_AUTH_DISABLED,
            FailureClass.IMAP_DISABLED, FailureClass.BASIC_AUTH_DISABLED);

    private SignInCompletion() {}

    static Outcome complete(OAuthSignIns signIns, ConnectionTester tester, String state, String code,
            String binding) {
        OAuthSignIns.Completion done;
        try {
            done = signIns.complete(state, code, binding);
        } catch (OAuthException e) {
            return new Outcome(null, "error", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("OAuth sign-in could not be completed", e);
            return new Outcome(null, "error", "The sign-in could not be completed; try again, or ask an operator "
                    + "to look at the server log");
        }
        String outcome;
        ConnectionReport report = null;
        try {
            report = tester.testStored(done.userId(), TestOptions.loginOnly());
            outcome = report.passed() ? "connected" : "failed";
        } catch (RuntimeException e) {
            LOG.warn("Test Connection after the sign-in of user {} failed: {}", done.userId(), e.toString());
            outcome = "failed";
        }
        String provider = done.account().oauthProvider();
        String api = signIns.options().stream().filter(o -> o.provider().equals(provider)).findFirst()
                .map(OAuthSignIns.Option::apiOffered).orElse(null);
        if (report != null && !report.passed() && api != null && !done.account().usesProviderApi()
                && report.steps().stream().anyMatch(s -> s.failure() != null && TURNED_OFF.contains(s.failure()))) {
            LOG.info("User {} signed in with {}, whose SMTP or IMAP is off for mail programs: {} offered", done
                    .userId(), provider, api);
            return new Outcome(done.userId(), "api-offered", null, provider + "/" + api);
        }
        return new Outcome(done.userId(), outcome, null);
    }

    /** Uses up the flow of a sign-in the provider ended with an error (the recruiter declined, say). */
    static void abandon(OAuthSignIns signIns, String state, String binding) {
        if (state == null) {
            return;
        }
        try {
            signIns.complete(state, null, binding);
        } catch (OAuthException expected) {
            // the flow is gone either way
        }
    }
}
