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

    /** One API call: the request, the response and the route's path parameters. */
    record Call(HttpServletRequest req, HttpServletResponse resp, Map<String, String> params) {
        String param(String name) {
            return params.get(name);
        }
    }

    @FunctionalInterface
    interface Handler {
        /** The body to answer with (as JSON), or {@code null} for 204 No Content. */
        Object handle(Call call);
    }

    private final transient Routes<Handler> routes = routes();

    private Routes<Handler> routes() {
        return new Routes<Handler>()
            .on("GET", "presets", c -> presets(c.req().getParameter("address")))
            .on("GET", "discover", c -> discover(c.req().getParameter("address")))
            .on("GET", "accounts", c -> settings.list())
            .on("GET", "accounts/{user}", c -> settings.get(c.param("user")).orElseThrow(() -> noAccount(c.param("user"))))
            .on("PUT", "accounts/{user}", c -> saveAccount(c.param("user"), c.req()))
            .on("DELETE", "accounts/{user}", c -> disconnect(c.param("user")))
            .on("POST", "accounts/{user}/test", c -> test(c.param("user"), c.req()))
            .on("POST", "accounts/{user}/oauth", c -> startSignIn(c.param("user"), c.req()))
            .on("GET", "oauth/providers", c -> signIns == null ? List.of() : signIns.options())
            .on("POST", "messages", c -> send(c.req(), c.resp()))
            .on("GET", "messages/{id}", c -> message(c.param("id")))
            .on("POST", "messages/{id}/retry", c -> retry(c.param("id")))
            .on("GET", "threads/{thread}/messages", c -> history.forThread(c.param("thread"), Requests.page(c.req())))
            .on("GET", "triage", c -> history.triage(Requests.page(c.req())))
            .on("POST", "triage/{id}/assign", c -> assignTriage(c.param("id"), c.req()))
            .on("POST", "triage/{id}/dismiss", c -> dismissTriage(c.param("id")))
            .on("GET", "quarantine", c -> history.quarantined(Requests.page(c.req())))
            .on("GET", "suppressions", c -> suppressions.list(c.req().getParameter("user")))
            .on("DELETE", "suppressions/{user}/{address}", c -> unsuppress(c.param("user"), c.param("address")))
            .on("GET", "outbox", c -> outbox(c.req()))
            .on("GET", "status", c -> status())
            .on("GET", "connectivity", c -> Map.of("enabled", connectivity.isEnabled()))
            .on("PUT", "connectivity", c -> setConnectivity(c.req()));
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
                    + ". See README.md, \"REST API\", for the routes.");
        }
        if (found.get() instanceof Routes.NotAllowed na) {
            throw new ApiException(HttpServletResponse.SC_METHOD_NOT_ALLOWED, req.getMethod()
                    + " is not allowed here; use " + String.join(" or ", na.allowed())).with("allow", na.allowed());
        }
        Routes.Match<?> match = (Routes.Match<?>) found.get();
        return ((Handler) match.handler()).handle(new Call(req, resp, match.params()));
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
    private Object startSignIn(String userId, HttpServletRequest req) {
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
                    Requests.caller(req)).toString());
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

    private Object send(HttpServletRequest req, HttpServletResponse resp) {
        try {
            SubmitReceipt r = router.submit(Requests.read(req, Json.MessageInput.class).toMessage());
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
        out.put("accounts", accounts);
        return out;
    }

    private static ApiException noAccount(String userId) {
        return new ApiException(404, "User " + userId + " has no email account connected");
    }
}
