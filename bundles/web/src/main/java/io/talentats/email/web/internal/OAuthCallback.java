package io.talentats.email.web.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.OAuthSignIns;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /talentats-email/oauth/callback}, where the provider sends the browser back after consent. With the
 * browser's login (Basic, or the sandbox's loopback) the sign-in completes here ({@link SignInCompletion}) and the
 * browser returns to the settings page with the outcome ({@code oauth=connected|failed|error}). Without one — a
 * page embedded with a host token, which no redirect carries — the browser goes back to the page with the state
 * and code in the fragment (never sent to any server, kept out of logs), and the page completes the sign-in with
 * its token ({@code POST /api/oauth/complete}). Either way only the caller that started the flow completes it.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(EmailWebContext.SELECT)
@HttpWhiteboardServletName("talentats-email-oauth")
@HttpWhiteboardServletPattern("/oauth/*")
public class OAuthCallback extends HttpServlet {

    private static final long serialVersionUID = 1L;

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
        resp.setHeader("Referrer-Policy", "no-referrer");
        if (!"/callback".equals(req.getPathInfo())) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        String page = req.getContextPath() + "/ui/index.html";
        Caller caller = Caller.of(req);
        String error = req.getParameter("error");
        if (error != null) {
            // The recruiter declined, or the provider refused the request (RFC 6749 4.1.2.1).
            if (caller != null) {
                SignInCompletion.abandon(signIns, req.getParameter("state"), caller.binding());
            }
            String description = req.getParameter("error_description");
            resp.sendRedirect(page + "?oauth=error&message=" + encode("The provider did not sign you in: "
                    + ("access_denied".equals(error) ? "access was declined" : error
                            + (description == null ? "" : " (" + description + ")"))));
            return;
        }
        String state = req.getParameter("state");
        String code = req.getParameter("code");
        if (caller == null) {
            resp.sendRedirect(page + "#oauth-state=" + encode(state == null ? "" : state) + "&oauth-code="
                    + encode(code == null ? "" : code));
            return;
        }
        SignInCompletion.Outcome done = SignInCompletion.complete(signIns, tester, state, code, caller.binding());
        if (done.userId() == null) {
            resp.sendRedirect(page + "?oauth=error&message=" + encode(done.message()));
        } else {
            StringBuilder q = new StringBuilder();
            done.fields().forEach((k, v) -> q.append(q.length() == 0 ? "?" : "&").append(k.equals("userId") ? "user"
                    : k.equals("outcome") ? "oauth" : k).append('=').append(encode(v)));
            resp.sendRedirect(page + q);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
