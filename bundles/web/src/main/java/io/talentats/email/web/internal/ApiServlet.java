package io.talentats.email.web.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletName;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.Discovery;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.OAuthSignIns;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.SubmitReceipt;
import io.talentats.email.api.Suppressions;
import io.talentats.email.api.TestOptions;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.runtime.CredentialUnavailableException;

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
        Routes<Action> r = new Routes<>();
        Guard messageOwner = Guard.messageOwner(history);
        on(r, "GET", "me", Guard.ANY_CALLER, c -> c.caller().me());
        on(r, "GET", "presets", Guard.ANY_CALLER, c -> presets(c.req().getParameter("address")));
        on(r, "GET", "discover", Guard.ANY_CALLER, c -> discover(c.req().getParameter("address")));
        on(r, "GET", "oauth/providers", Guard.ANY_CALLER, c -> signIns == null ? List.of() : signIns.options());
        on(r, "POST", "oauth/complete", Guard.ANY_CALLER, this::completeSignIn);
        on(r, "GET", "accounts", Guard.OPERATORS, c -> settings.list());
        on(r, "GET", "accounts/{user}", Guard.USER_IN_PATH,
                c -> settings.get(c.param("user")).orElseThrow(() -> noAccount(c.param("user"))));
        on(r, "PUT", "accounts/{user}", Guard.USER_IN_PATH, c -> saveAccount(c.param("user"), c.req()));
        on(r, "DELETE", "accounts/{user}", Guard.USER_IN_PATH, c -> disconnect(c.param("user")));
        on(r, "POST", "accounts/{user}/test", Guard.USER_IN_PATH, c -> test(c.param("user"), c.req()));
        on(r, "POST", "accounts/{user}/oauth", Guard.USER_IN_PATH, c -> startSignIn(c.param("user"), c));
        on(r, "GET", "accounts/{user}/messages", Guard.USER_IN_PATH,
                c -> history.forUser(c.param("user"), Requests.page(c.req())));
        on(r, "POST", "messages", Guard.SENDER, this::send);
        on(r, "GET", "messages/{id}", messageOwner, c -> message(c.param("id")));
        on(r, "POST", "messages/{id}/retry", messageOwner, c -> retry(c.param("id")));
        on(r, "GET", "threads/{thread}/messages", Guard.SCOPED_TO_CALLER, c -> c.caller().operator()
                ? history.forThread(c.param("thread"), Requests.page(c.req()))
                : history.forThread(c.param("thread"), c.caller().userId(), Requests.page(c.req())));
        on(r, "GET", "triage", Guard.OPERATORS, c -> history.triage(Requests.page(c.req())));
        on(r, "POST", "triage/{id}/assign", Guard.OPERATORS, c -> assignTriage(c.param("id"), c.req()));
        on(r, "POST", "triage/{id}/dismiss", Guard.OPERATORS, c -> dismissTriage(c.param("id")));
        on(r, "GET", "quarantine", Guard.OPERATORS, c -> history.quarantined(Requests.page(c.req())));
        on(r, "GET", "suppressions", Guard.USER_IN_QUERY, c -> suppressions.list(c.req().getParameter("user")));
        on(r, "DELETE", "suppressions/{user}/{address}", Guard.USER_IN_PATH,
                c -> unsuppress(c.param("user"), c.param("address")));
        on(r, "GET", "outbox", Guard.OPERATORS, c -> outbox(c.req()));
        on(r, "GET", "status", Guard.OPERATORS, c -> status());
        on(r, "GET", "connectivity", Guard.OPERATORS, c -> Map.of("enabled", connectivity.isEnabled()));
        on(r, "PUT", "connectivity", Guard.OPERATORS, c -> setConnectivity(c.req()));
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

    private Object outbox(HttpServletRequest req) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stats", router.outbox());
        out.put("depth", router.outbox().depth());
        out.put("pending", router.pending(Requests.intParam(req, "limit", 100, 1, 500)));
        return out;
    }

    private Object retry(String id) {
        if (!router.retry(id)) {
            throw new ApiException(409, "Message " + id + " is unknown or has not failed");
        }
        return message(id);
    }

    /** {@code {"messageId": "<our id of the message it answers>"}}. */
    private Object assignTriage(String id, HttpServletRequest req) {
        JsonObject in = Requests.read(req, JsonObject.class);
        JsonElement answered = in.get("messageId");
        if (answered == null || !answered.isJsonPrimitive() || answered.getAsString().isBlank()) {
            throw new ApiException(400, "Send {\"messageId\": \"...\"}: our id of the message this one answers",
                    List.of(new FieldError("messageId", "the id of one of the same recruiter's sent messages")));
        }
        return history.assignTriage(id, answered.getAsString()).orElseThrow(() -> new ApiException(409,
                "Message " + id + " is not in triage, or " + answered.getAsString()
                        + " is not a message its recruiter sent"));
    }

    private Object unsuppress(String user, String address) {
        if (!suppressions.clear(user, address)) {
            throw new ApiException(404, address + " is not suppressed for user " + user);
        }
        return null;
    }

    private Object dismissTriage(String id) {
        if (!history.dismissTriage(id)) {
            throw new ApiException(409, "Message " + id + " is not in triage");
        }
        return null;
    }

    private Object setConnectivity(HttpServletRequest req) {
        JsonObject in = Requests.read(req, JsonObject.class);
        JsonElement enabled = in.get("enabled");
        if (enabled == null || !enabled.isJsonPrimitive() || !enabled.getAsJsonPrimitive().isBoolean()) {
            throw new ApiException(400, "Send {\"enabled\": true} or {\"enabled\": false}",
                    List.of(new FieldError("enabled", "must be true or false")));
        }
        connectivity.setEnabled(enabled.getAsBoolean());
        return Map.of("enabled", enabled.getAsBoolean());
    }

    private Object discover(String address) {
        Discovery d = discovery;
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

    private Object presets(String address) {
        if (address == null) {
            return presets.list();
        }
        return presets.lookup(address)
                .orElseThrow(() -> new ApiException(404, "No preset known for " + address
                        + ". Enter the server names and ports your mail provider gives."));
    }

    private Object saveAccount(String userId, HttpServletRequest req) {
        try {
            return settings.save(userId, Requests.read(req, Json.AccountInput.class).toDraft());
        } catch (InvalidSettingsException e) {
            throw new ApiException(400, "The settings were not saved: fix the fields listed", e.errors());
        }
    }

    /** Starts a browser sign-in; the page sends the browser to the answer's {@code authorizationUrl}. */
    private Object startSignIn(String userId, ApiCall call) {
        HttpServletRequest req = call.req();
        OAuthSignIns s = signIns;
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
                    call.caller().binding()).toString());
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    private Object disconnect(String userId) {
        if (!settings.disconnect(userId)) {
            throw noAccount(userId);
        }
        return null;
    }

    /**
     * Tests the settings in the body, or the stored ones when the body is empty (with or without a content type)
     * or {@code ?stored=true}.
     */
    private Object test(String userId, HttpServletRequest req) {
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

    private Object send(ApiCall call) {
        HttpServletRequest req = call.req();
        HttpServletResponse resp = call.resp();
        Json.MessageInput in = call.body(Json.MessageInput.class);
        if (in.kind == io.talentats.email.api.MessageKind.ACCOUNT_NOTICE) {
            throw new ApiException(400, "ACCOUNT_NOTICE messages are sent by talentATS itself",
                    List.of(new FieldError("kind", "choose STAGE_CHANGE, INTERVIEW_INVITATION or CUSTOM")));
        }
        try {
            SubmitReceipt r = router.submit(in.toMessage());
            resp.setStatus(HttpServletResponse.SC_ACCEPTED);
            resp.setHeader("Location", req.getContextPath() + req.getServletPath() + "/messages/" + r.messageId());
            return r;
        } catch (MessageRejectedException e) {
            int status = switch (e.reason()) {
                case INVALID_MESSAGE -> 400;
                case PLATFORM_NOT_CONFIGURED -> 503;
                default -> 409;
            };
            throw new ApiException(status, e.getMessage(), e.errors()).with("reason", e.reason().name());
        }
    }

    private Object message(String id) {
        MessageRecord record = history.find(id)
                .orElseThrow(() -> new ApiException(404, "No message with id " + id));
        JsonObject out = Json.GSON.toJsonTree(record).getAsJsonObject();
        out.add("events", Json.GSON.toJsonTree(history.events(id)));
        return out;
    }

    private Object status() {
        ReplyCollector c = collector;
        Map<String, WatcherStatus> watchers = c == null ? Map.of()
                : c.watchers().stream().collect(Collectors.toMap(WatcherStatus::userId, Function.identity()));
        List<Map<String, Object>> accounts = new ArrayList<>();
        for (Account a : settings.list()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("userId", a.userId());
            m.put("emailAddress", a.emailAddress());
            m.put("enabled", a.enabled());
            m.put("lastVerification", a.lastVerification());
            m.put("health", a.health());
            m.put("watcher", watchers.get(a.userId()));
            accounts.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("connectivityEnabled", connectivity.isEnabled());
        out.put("outbox", router.outbox());
        out.put("replyCollectorRunning", c != null);
        out.put("nodes", c == null ? List.of() : c.nodes());
        out.put("accounts", accounts);
        return out;
    }

    /** {@code {"state": "...", "code": "..."}}, from the page that the callback sent back with them. */
    private Object completeSignIn(ApiCall call) {
        OAuthSignIns s = signIns;
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
        return Map.of("userId", done.userId(), "outcome", done.outcome());
    }

    private static ApiException noAccount(String userId) {
        return new ApiException(404, "User " + userId + " has no email account connected");
    }
}
