package io.talentats.email.web.internal;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.Discovery;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.OAuthSignIns;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.Suppressions;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /talentats-email/api}: JSON in, JSON out, one handler per route. Errors are
 * {@code {"error": "...", "fields": [{"field", "message"}]}} with the status code that fits: 400 for input to fix,
 * 404 for an unknown user or message, 409 when the message may not be sent now, 503 when a service is not running,
 * 500 (with an incident id that the log repeats) when something of ours failed. The routes are one table.
 */
@Component(service = Servlet.class)
@HttpWhiteboardContextSelect(EmailWebContext.SELECT)
@HttpWhiteboardServletName("talentats-email-api")
@HttpWhiteboardServletPattern("/api/*")
public class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);

    private final transient AccountSettingsService settings;
    private final transient ProviderPresets presets;
    private final transient Connectivity connectivity;
    private final transient ConnectionTester tester;
    private final transient MessageRouter router;
    private final transient MessageHistory history;
    private final transient Suppressions suppressions;
    private volatile transient ReplyCollector collector;

    /** Settings discovery; absent while its feature is not installed (then only presets fill the form). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile transient Discovery discovery;

    /** OAuth sign-in; absent while the feature is not installed (then no provider offers a button). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile transient OAuthSignIns signIns;

    @org.osgi.service.component.annotations.Activate
    public ApiServlet(
            @Reference AccountSettingsService settings,
            @Reference ProviderPresets presets,
            @Reference Connectivity connectivity,
            @Reference ConnectionTester tester,
            @Reference MessageRouter router,
            @Reference MessageHistory history,
            @Reference Suppressions suppressions) {
        this.suppressions = suppressions;
        this.settings = settings;
        this.presets = presets;
        this.connectivity = connectivity;
        this.tester = tester;
        this.router = router;
        this.history = history;
        this.routes = routes();
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setCollector(ReplyCollector collector) {
        this.collector = collector;
    }

    void unsetCollector(ReplyCollector collector) {
        if (this.collector == collector) {
            this.collector = null;
        }
    }

    @FunctionalInterface
    interface Handler {
        /** The body to answer with (as JSON), or {@code null} for 204 No Content. */
        Object handle(ApiCall call);
    }

    /** A route's guard and handler. */
    record Action(Guard guard, Handler handler) {}

    /** The routes, built once the collaborators are set (the ownership guards hold the history). */
    final transient Routes<Action> routes;

    private Routes<Action> routes() {
        AccountRoutes accounts = new AccountRoutes(settings, presets, tester, () -> discovery, () -> signIns);
        MessageRoutes messages = new MessageRoutes(router, history, suppressions, settings, connectivity,
                () -> collector);
        Routes<Action> r = new Routes<>();
        Guard messageOwner = Guard.messageOwner(history);
        on(r, "GET", "me", Guard.ANY_CALLER, c -> c.caller().me());
        on(r, "GET", "presets", Guard.ANY_CALLER, c -> accounts.presets(c.req().getParameter("address")));
        on(r, "GET", "discover", Guard.ANY_CALLER, c -> accounts.discover(c.req().getParameter("address")));
        on(r, "GET", "oauth/providers", Guard.ANY_CALLER, c -> signIns == null ? List.of() : signIns.options());
        on(r, "POST", "oauth/complete", Guard.ANY_CALLER, accounts::completeSignIn);
        on(r, "GET", "accounts", Guard.OPERATORS, c -> settings.list());
        on(r, "GET", "accounts/{user}", Guard.USER_IN_PATH,
                c -> settings.get(c.param("user")).orElseThrow(() -> AccountRoutes.noAccount(c.param("user"))));
        on(r, "PUT", "accounts/{user}", Guard.USER_IN_PATH, c -> accounts.saveAccount(c.param("user"), c.req()));
        on(r, "DELETE", "accounts/{user}", Guard.USER_IN_PATH, c -> accounts.disconnect(c.param("user")));
        on(r, "POST", "accounts/{user}/test", Guard.USER_IN_PATH, c -> accounts.test(c.param("user"), c.req()));
        on(r, "POST", "accounts/{user}/oauth", Guard.USER_IN_PATH, c -> accounts.startSignIn(c.param("user"), c));
        on(r, "GET", "accounts/{user}/messages", Guard.USER_IN_PATH,
                c -> history.forUser(c.param("user"), Requests.page(c.req())));
        on(r, "POST", "messages", Guard.SENDER, messages::send);
        on(r, "GET", "messages/{id}", messageOwner, c -> messages.message(c.param("id")));
        on(r, "POST", "messages/{id}/retry", messageOwner, c -> messages.retry(c.param("id")));
        on(r, "GET", "threads/{thread}/messages", Guard.SCOPED_TO_CALLER, c -> c.caller().operator()
                ? history.forThread(c.param("thread"), Requests.page(c.req()))
                : history.forThread(c.param("thread"), c.caller().userId(), Requests.page(c.req())));
        on(r, "GET", "triage", Guard.OPERATORS, c -> history.triage(Requests.page(c.req())));
        on(r, "POST", "triage/{id}/assign", Guard.OPERATORS, c -> messages.assignTriage(c.param("id"), c.req()));
        on(r, "POST", "triage/{id}/dismiss", Guard.OPERATORS, c -> messages.dismissTriage(c.param("id")));
        on(r, "GET", "quarantine", Guard.OPERATORS, c -> history.quarantined(Requests.page(c.req())));
        on(r, "GET", "suppressions", Guard.USER_IN_QUERY, c -> suppressions.list(c.req().getParameter("user")));
        on(r, "DELETE", "suppressions/{user}/{address}", Guard.USER_IN_PATH,
                c -> messages.unsuppress(c.param("user"), c.param("address")));
        on(r, "GET", "outbox", Guard.OPERATORS, c -> messages.outbox(c.req()));
        on(r, "GET", "status", Guard.OPERATORS, c -> messages.status());
        on(r, "GET", "connectivity", Guard.OPERATORS, c -> Map.of("enabled", connectivity.isEnabled()));
        on(r, "PUT", "connectivity", Guard.OPERATORS, c -> messages.setConnectivity(c.req()));
        return r;
    }

    private static void on(Routes<Action> routes, String method, String pattern, Guard guard, Handler handler) {
        routes.on(method, pattern, new Action(guard, handler));
    }

    /**
     * Every answer is JSON, errors included: a failure of ours (the database, ConfigAdmin) is a 500 with the
     * documented error shape and a reference to the log entry, never the container's HTML page.
     */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        try {
            Object body = dispatch(req, resp);
            if (body == null) {
                resp.setStatus(resp.getStatus() == 200 ? HttpServletResponse.SC_NO_CONTENT : resp.getStatus());
            } else {
                Requests.write(resp, resp.getStatus(), body);
            }
        } catch (ApiException e) {
            if (e.body.get("allow") instanceof List<?> allow) {
                resp.setHeader("Allow", allow.stream().map(Object::toString).collect(Collectors.joining(", ")));
            }
            Requests.write(resp, e.status, e.body);
        } catch (io.talentats.email.api.StoreUnavailableException e) {
            // Not a failure of ours to investigate: the database is away, and the caller should try again soon
            LOG.warn("REST {} {}: {}", req.getMethod(), req.getPathInfo(), e.getMessage());
            resp.setHeader("Retry-After", "5");
            Requests.write(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, new ApiException(503,
                    "The message database cannot be reached; nothing was changed. Try again in a moment.").body);
        } catch (RuntimeException e) {
            String incident = Long.toString(System.nanoTime() & 0xffffffffL, 36);
            LOG.error("REST {} {} failed (incident {})", req.getMethod(), req.getPathInfo(), incident, e);
            Requests.write(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, new ApiException(500, "The email service "
                    + "could not complete this request; nothing was changed that the answer does not say. Try "
                    + "again; if it keeps failing, give an operator incident " + incident + " (server log).")
                    .with("incident", incident).body);
        }
    }

    private Object dispatch(HttpServletRequest req, HttpServletResponse resp) {
        List<String> path = Requests.segments(req.getPathInfo());
        Optional<Object> found = routes.find(req.getMethod(), path);
        if (found.isEmpty()) {
            throw new ApiException(404, "No such resource: " + String.join("/", path)
                    + ". See docs/operators.md, \"REST API\", for the routes.");
        }
        if (found.get() instanceof Routes.NotAllowed na) {
            throw new ApiException(HttpServletResponse.SC_METHOD_NOT_ALLOWED, req.getMethod()
                    + " is not allowed here; use " + String.join(" or ", na.allowed())).with("allow", na.allowed());
        }
        Routes.Match<?> match = (Routes.Match<?>) found.get();
        Caller caller = Caller.of(req);
        if (caller == null) {
            // The context lets only the page's files through without a caller; never reached, but never open.
            throw new ApiException(HttpServletResponse.SC_UNAUTHORIZED, "Log in first");
        }
        Action action = (Action) match.handler();
        ApiCall call = new ApiCall(req, resp, match.params(), caller);
        action.guard().check(call);
        return action.handler().handle(call);
    }

}
