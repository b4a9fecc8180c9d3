package io.talentats.email.web.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.OAuthSignIns;
import io.talentats.email.api.OAuthSignIns.OAuthException;
import io.talentats.email.api.TestOptions;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /talentats-email/oauth/callback}, where the provider sends the browser back after consent: completes the
 * sign-in (state checked, code exchanged, account saved), runs Test Connection over XOAUTH2 and returns the browser
 * to the settings page with the outcome ({@code oauth=connected|failed|error}). Behind the same login as the page,
 * so the flow completes only for the caller who started it.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(EmailWebContext.SELECT)
@HttpWhiteboardServletName("talentats-email-oauth")
@HttpWhiteboardServletPattern("/oauth/*")
public class OAuthCallback extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(OAuthCallback.class);

    private final transient OAuthSignIns signIns;
    private final transient ConnectionTester tester;

    @Activate
    public OAuthCallback(@Reference OAuthSignIns signIns, @Reference ConnectionTester tester) {
        this.signIns = signIns;
        this.tester = tester;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        if (!"/callback".equals(req.getPathInfo())) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        String page = req.getContextPath() + "/ui/index.html";
        String error = req.getParameter("error");
        if (error != null) {
            // The recruiter declined, or the provider refused the request (RFC 6749 4.1.2.1).
            String description = req.getParameter("error_description");
            String state = req.getParameter("state");
            if (state != null) {
                try {
                    signIns.complete(state, null, Requests.caller(req)); // uses up the flow
                } catch (OAuthException expected) {
                    // the flow is gone either way
                }
            }
            resp.sendRedirect(page + "?oauth=error&message=" + encode("The provider did not sign you in: "
                    + ("access_denied".equals(error) ? "access was declined" : error
                            + (description == null ? "" : " (" + description + ")"))));
            return;
        }
        OAuthSignIns.Completion done;
        try {
            done = signIns.complete(req.getParameter("state"), req.getParameter("code"), Requests.caller(req));
        } catch (OAuthException e) {
            resp.sendRedirect(page + "?oauth=error&message=" + encode(e.getMessage()));
            return;
        } catch (RuntimeException e) {
            LOG.error("OAuth callback failed", e);
            resp.sendRedirect(page + "?oauth=error&message=" + encode("The sign-in could not be completed; "
                    + "try again, or ask an operator to look at the server log"));
            return;
        }
        String outcome;
        try {
            ConnectionReport report = tester.testStored(done.userId(), TestOptions.loginOnly());
            outcome = report.passed() ? "connected" : "failed";
        } catch (RuntimeException e) {
            LOG.warn("Test Connection after the sign-in of user {} failed: {}", done.userId(), e.toString());
            outcome = "failed";
        }
        resp.sendRedirect(page + "?user=" + encode(done.userId()) + "&oauth=" + outcome);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
