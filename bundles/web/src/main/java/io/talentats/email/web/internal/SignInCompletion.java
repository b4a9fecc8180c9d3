package io.talentats.email.web.internal;

import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
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
     * @param outcome {@code connected}, {@code failed} (signed in, test failed) or {@code error}
     * @param message for {@code error}: what went wrong, in words
     */
    record Outcome(String userId, String outcome, String message) {}

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
        try {
            ConnectionReport report = tester.testStored(done.userId(), TestOptions.loginOnly());
            outcome = report.passed() ? "connected" : "failed";
        } catch (RuntimeException e) {
            LOG.warn("Test Connection after the sign-in of user {} failed: {}", done.userId(), e.toString());
            outcome = "failed";
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
