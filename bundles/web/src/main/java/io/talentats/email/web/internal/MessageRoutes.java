package io.talentats.email.web.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.SubmitReceipt;
import io.talentats.email.api.Suppressions;
import io.talentats.email.api.WatcherStatus;

/**
 * The routes about messages and the product: send, a message and its timeline, retry, triage and suppressions,
 * the outbox, the status and the switch. What a route may be called by is {@link ApiServlet}'s route table.
 */
final class MessageRoutes {

    private final MessageRouter router;
    private final MessageHistory history;
    private final Suppressions suppressions;
    private final AccountSettingsService settings;
    private final Connectivity connectivity;
    /** The reply collector; {@code null} while it is not running. */
    private final Supplier<ReplyCollector> collector;

    MessageRoutes(MessageRouter router, MessageHistory history, Suppressions suppressions,
            AccountSettingsService settings, Connectivity connectivity, Supplier<ReplyCollector> collector) {
        this.router = router;
        this.history = history;
        this.suppressions = suppressions;
        this.settings = settings;
        this.connectivity = connectivity;
        this.collector = collector;
    }

    Object outbox(HttpServletRequest req) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stats", router.outbox());
        out.put("depth", router.outbox().depth());
        out.put("pending", router.pending(Requests.intParam(req, "limit", 100, 1, 500)));
        return out;
    }

    Object retry(String id) {
        if (!router.retry(id)) {
            throw new ApiException(409, "Message " + id + " is unknown or has not failed");
        }
        return message(id);
    }

    /** {@code {"messageId": "<our id of the message it answers>"}}. */
    Object assignTriage(String id, HttpServletRequest req) {
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

    Object unsuppress(String user, String address) {
        if (!suppressions.clear(user, address)) {
            throw new ApiException(404, address + " is not suppressed for user " + user);
        }
        return null;
    }

    Object dismissTriage(String id) {
        if (!history.dismissTriage(id)) {
            throw new ApiException(409, "Message " + id + " is not in triage");
        }
        return null;
    }

    Object setConnectivity(HttpServletRequest req) {
        JsonObject in = Requests.read(req, JsonObject.class);
        JsonElement enabled = in.get("enabled");
        if (enabled == null || !enabled.isJsonPrimitive() || !enabled.getAsJsonPrimitive().isBoolean()) {
            throw new ApiException(400, "Send {\"enabled\": true} or {\"enabled\": false}",
                    List.of(new FieldError("enabled", "must be true or false")));
        }
        connectivity.setEnabled(enabled.getAsBoolean());
        return Map.of("enabled", enabled.getAsBoolean());
    }

    Object send(ApiCall call) {
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

    Object message(String id) {
        MessageRecord record = history.find(id)
                .orElseThrow(() -> new ApiException(404, "No message with id " + id));
        JsonObject out = Json.GSON.toJsonTree(record).getAsJsonObject();
        out.add("events", Json.GSON.toJsonTree(history.events(id)));
        return out;
    }

    Object status() {
        ReplyCollector c = collector.get();
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
}
