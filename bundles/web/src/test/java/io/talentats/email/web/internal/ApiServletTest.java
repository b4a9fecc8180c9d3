package io.talentats.email.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.Page;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.TestOptions;

import org.junit.jupiter.api.Test;

/**
 * The servlet with stand-ins for the services and a request/response pair made here: a servlet container is not
 * what these tests are about.
 */
class ApiServletTest {

    /** A service none of whose methods may be called. */
    @SuppressWarnings("unchecked")
    private static <T> T unused(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("toString") ? type.getSimpleName() : null;
            }
            throw new AssertionError(type.getSimpleName() + "." + m.getName() + " was not expected");
        });
    }

    /** A service every method of which fails as a broken database makes the store fail. */
    @SuppressWarnings("unchecked")
    private static <T> T failing(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            throw new IllegalStateException("Cannot read the message history: Connection is broken: "
                    + "\"java.net.ConnectException: Connection refused\" [90067-232]");
        });
    }

    private record Answer(int status, String contentType, Map<String, String> headers, String body) {
        JsonObject json() {
            return JsonParser.parseString(body).getAsJsonObject();
        }
    }

    private static final Caller OPERATOR = Caller.operator("karaf", Caller.How.OPERATOR_LOGIN);

    private static Answer call(ApiServlet servlet, String method, String path, String contentType, String body)
            throws Exception {
        return call(servlet, OPERATOR, method, path, Map.of(), contentType, body);
    }

    private static Answer call(ApiServlet servlet, Caller caller, String method, String path,
            Map<String, String> query, String contentType, String body) throws Exception {
        HttpServletRequest req = (HttpServletRequest) Proxy.newProxyInstance(ApiServletTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getPathInfo" -> path;
                    case "getContentType" -> contentType;
                    case "getContentLength" -> body == null ? -1 : body.length();
                    case "getReader" -> new BufferedReader(new StringReader(body == null ? "" : body));
                    case "getContextPath" -> "/talentats-email";
                    case "getServletPath" -> "/api";
                    case "getAttribute" -> Caller.ATTRIBUTE.equals(a[0]) ? caller : null;
                    case "getParameter" -> query.get((String) a[0]);
                    default -> null;
                });
        StringWriter out = new StringWriter();
        AtomicReference<Integer> status = new AtomicReference<>(200);
        AtomicReference<String> type = new AtomicReference<>();
        Map<String, String> headers = new HashMap<>();
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(
                ApiServletTest.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> {
                    switch (m.getName()) {
                        case "setStatus" -> status.set((Integer) a[0]);
                        case "getStatus" -> {
                            return status.get();
                        }
                        case "setContentType" -> type.set((String) a[0]);
                        case "setHeader" -> headers.put((String) a[0], (String) a[1]);
                        case "getWriter" -> {
                            return new PrintWriter(out, true);
                        }
                        default -> {
                            // nothing else matters here
                        }
                    }
                    return null;
                });
        servlet.service(req, resp);
        return new Answer(status.get(), type.get(), headers, out.toString());
    }

    private static ApiServlet servlet(AccountSettingsService settings, ConnectionTester tester,
            MessageHistory history) {
        return new ApiServlet(settings, unused(ProviderPresets.class), unused(Connectivity.class), tester,
                unused(MessageRouter.class), history, unused(io.talentats.email.api.Suppressions.class));
    }

    @Test
    void anUnreachableDatabaseIsA503SayingSoAtOnce() throws Exception {
        MessageHistory away = (MessageHistory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MessageHistory.class}, (p, m, a) -> {
                    throw new io.talentats.email.api.StoreUnavailableException("The message database cannot be "
                            + "reached, so this could not be done (read the message history); nothing was changed. "
                            + "Try again in a moment: Connection refused 10.0.0.7:5432", null);
                });
        ApiServlet servlet = servlet(unused(AccountSettingsService.class), unused(ConnectionTester.class), away);
        Answer a = call(servlet, "GET", "/threads/t1/messages", null, null);
        assertThat(a.status()).isEqualTo(503);
        assertThat(a.headers()).containsEntry("Retry-After", "5");
        assertThat(a.contentType()).isEqualTo("application/json");
        assertThat(a.json().get("error").getAsString()).contains("message database cannot be reached")
                .contains("nothing was changed").doesNotContain("10.0.0.7");
    }

    @Test
    void aFailingStoreAnswersTheDocumentedJsonErrorWithoutItsInnards() throws Exception {
        ApiServlet servlet = servlet(unused(AccountSettingsService.class), unused(ConnectionTester.class),
                failing(MessageHistory.class));
        for (String path : List.of("/threads/t1/messages", "/messages/01ABC")) {
            Answer a = call(servlet, "GET", path, null, null);
            assertThat(a.status()).as(path).isEqualTo(500);
            assertThat(a.contentType()).isEqualTo("application/json");
            JsonObject json = a.json();
            assertThat(json.get("error").getAsString()).contains("could not complete").contains("incident");
            assertThat(json.get("fields").getAsJsonArray()).isEmpty();
            assertThat(json.get("incident").getAsString()).isNotBlank();
            assertThat(a.body()).doesNotContain("ConnectException").doesNotContain("90067");
        }
    }

    @Test
    void aFailingSettingsServiceIsAJsonErrorToo() throws Exception {
        Answer a = call(servlet(failing(AccountSettingsService.class), unused(ConnectionTester.class),
                unused(MessageHistory.class)), "GET", "/accounts", null, null);
        assertThat(a.status()).isEqualTo(500);
        assertThat(a.json().has("error")).isTrue();
    }

    @Test
    void testWithNoBodyTestsTheStoredSettingsAndKnowsUnknownUsers() throws Exception {
        AtomicReference<String> tested = new AtomicReference<>();
        ConnectionTester tester = (ConnectionTester) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConnectionTester.class}, (p, m, a) -> {
                    if (!m.getName().equals("testStored")) {
                        throw new AssertionError("only the stored settings may be tested, not " + m.getName());
                    }
                    if ("ghost".equals(a[0])) {
                        throw new NoSuchElementException("User ghost has no email account");
                    }
                    tested.set((String) a[0]);
                    assertThat(a[1]).isEqualTo(TestOptions.loginOnly());
                    return new ConnectionReport(Instant.parse("2026-12-01T10:00:00Z"), null, List.of());
                });
        ApiServlet servlet = servlet(unused(AccountSettingsService.class), tester, unused(MessageHistory.class));
        // No Content-Type, no body (curl -X POST): the stored settings.
        Answer a = call(servlet, "POST", "/accounts/rita/test", null, null);
        assertThat(a.status()).isEqualTo(200);
        assertThat(tested.get()).isEqualTo("rita");
        // An empty JSON body means the same.
        tested.set(null);
        assertThat(call(servlet, "POST", "/accounts/rita/test", "application/json", "").status()).isEqualTo(200);
        assertThat(tested.get()).isEqualTo("rita");
        Answer ghost = call(servlet, "POST", "/accounts/ghost/test", null, null);
        assertThat(ghost.status()).isEqualTo(404);
        assertThat(ghost.json().get("error").getAsString()).contains("ghost");
        // A body that is not JSON is still refused.
        assertThat(call(servlet, "POST", "/accounts/rita/test", "text/plain", "smtpHost=x").status()).isEqualTo(415);
    }

    @Test
    void unknownRoutesAndWrongMethodsAreJsonErrors() throws Exception {
        ApiServlet servlet = servlet(unused(AccountSettingsService.class), unused(ConnectionTester.class),
                unused(MessageHistory.class));
        Answer none = call(servlet, "GET", "/nothing/here", null, null);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("error").getAsString()).contains("nothing/here");
        Answer wrong = call(servlet, "PATCH", "/accounts/rita", null, null);
        assertThat(wrong.status()).isEqualTo(405);
        assertThat(wrong.headers().get("Allow")).isEqualTo("GET, PUT, DELETE");
    }

    @Test
    void routesMatchLiteralSegmentsAndCaptureTheOthers() {
        Routes<String> routes = new Routes<String>().on("GET", "a/{x}/b", "ab").on("GET", "a/{x}", "a")
                .on("POST", "a/{x}", "a-post");
        assertThat(routes.find("GET", List.of("a", "1", "b"))).get()
                .isEqualTo(new Routes.Match<>("ab", Map.of("x", "1")));
        assertThat(routes.find("POST", List.of("a", "2"))).get()
                .isEqualTo(new Routes.Match<>("a-post", Map.of("x", "2")));
        assertThat(routes.find("DELETE", List.of("a", "2"))).get()
                .isEqualTo(new Routes.NotAllowed(List.of("GET", "POST")));
        assertThat(routes.find("GET", List.of("a", "1", "c"))).isEmpty();
    }

    /** The routes any caller may use: nothing in them belongs to a user. A route added here is a decision. */
    private static final java.util.Set<String> OPEN_TO_ANY_CALLER = java.util.Set.of("GET me", "GET presets",
            "GET discover", "GET oauth/providers", "POST oauth/complete");
    /** Routes any caller may use, answered with the caller's part only. */
    private static final java.util.Set<String> SCOPED_TO_CALLER = java.util.Set.of("GET threads/{thread}/messages");

    @Test
    void aRecruiterIsRefusedEveryRouteThatReachesAnotherUser() throws Exception {
        MessageRecord alices = new MessageRecord("m-alice", MessageRecord.Direction.OUTBOUND,
                io.talentats.email.api.MessageKind.CUSTOM, "alice", io.talentats.email.api.MessageStatus.SENT, null,
                null, "alice@example.com", null, List.of("cand@example.org"), "Hello", "Hi", null, null, List.of(),
                null, null, "t-alice", null, null, Instant.EPOCH, Instant.EPOCH, null, 1, null, null,
                MessageRecord.SentCopy.NONE);
        MessageHistory history = (MessageHistory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MessageHistory.class}, (p, m, a) -> switch (m.getName()) {
                    case "find" -> java.util.Optional.of(alices);
                    // The whole thread; or one recruiter's part of it, which is alice's message for alice only
                    case "forThread" -> a.length == 2 ? new Page<>(List.of(alices), (PageRequest) a[1], 1)
                            : "alice".equals(a[1]) ? new Page<>(List.of(alices), (PageRequest) a[2], 1)
                            : new Page<MessageRecord>(List.of(), (PageRequest) a[2], 0);
                    default -> throw new AssertionError("the handler ran: " + m.getName());
                });
        // Every other service: a handler that runs at all fails the test
        ApiServlet servlet = servlet(unused(AccountSettingsService.class), unused(ConnectionTester.class), history);
        Caller mallory = Caller.recruiter("mallory", Caller.How.HOST_TOKEN);
        Map<String, String> values = Map.of("user", "alice", "id", "m-alice", "thread", "t-alice",
                "address", "cand@example.org");
        List<String> checked = new java.util.ArrayList<>();
        for (Routes.Entry<ApiServlet.Action> e : servlet.routes.entries()) {
            String route = e.method() + " " + e.pattern();
            if (OPEN_TO_ANY_CALLER.contains(route)) {
                assertThat(e.handler().guard()).as(route).isSameAs(Guard.ANY_CALLER);
                continue;
            }
            if (SCOPED_TO_CALLER.contains(route)) {
                // A shared thread: another recruiter is not refused, and sees nothing of alice's in it
                assertThat(e.handler().guard()).as(route).isSameAs(Guard.SCOPED_TO_CALLER);
                Answer a = call(servlet, mallory, e.method(), "/threads/t-alice/messages", Map.of(), null, null);
                assertThat(a.status()).as(route + ": " + a.body()).isEqualTo(200);
                assertThat(a.body()).as(route).doesNotContain("m-alice").contains("\"total\":0");
                checked.add(route);
                continue;
            }
            assertThat(e.handler().guard()).as(route + " needs a guard other than ANY_CALLER")
                    .isNotSameAs(Guard.ANY_CALLER);
            String path = "/" + java.util.Arrays.stream(e.pattern().split("/"))
                    .map(s -> s.startsWith("{") ? values.get(s.substring(1, s.length() - 1)) : s)
                    .collect(java.util.stream.Collectors.joining("/"));
            boolean hasBody = e.method().equals("POST") || e.method().equals("PUT");
            Answer a = call(servlet, mallory, e.method(), path, Map.of("user", "alice"),
                    hasBody ? "application/json" : null,
                    hasBody ? "{\"senderUserId\":\"alice\",\"kind\":\"CUSTOM\",\"to\":[\"c@example.org\"]}" : null);
            assertThat(a.status()).as(route + " as another recruiter: " + a.body()).isEqualTo(403);
            assertThat(a.json().get("error").getAsString()).as(route).startsWith("Not allowed");
            checked.add(route);
        }
        assertThat(checked).as("every user's route was tried").contains("GET accounts/{user}",
                "PUT accounts/{user}", "DELETE accounts/{user}", "POST accounts/{user}/test",
                "GET accounts/{user}/messages", "POST messages", "GET messages/{id}", "POST messages/{id}/retry",
                "GET threads/{thread}/messages", "GET accounts", "GET status", "PUT connectivity");
    }

    @Test
    void aRecruiterReachesTheirOwnAccount() throws Exception {
        AtomicReference<String> asked = new AtomicReference<>();
        AccountSettingsService settings = (AccountSettingsService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {AccountSettingsService.class}, (p, m, a) -> {
                    asked.set(m.getName() + " " + a[0]);
                    return java.util.Optional.empty();
                });
        ApiServlet servlet = servlet(settings, unused(ConnectionTester.class), unused(MessageHistory.class));
        Caller rita = Caller.recruiter("rita", Caller.How.SELF_SERVICE_LOGIN);
        Answer own = call(servlet, rita, "GET", "/accounts/rita", Map.of(), null, null);
        assertThat(own.status()).isEqualTo(404); // no account yet, but the question was asked
        assertThat(asked.get()).isEqualTo("get rita");
        Answer me = call(servlet, rita, "GET", "/me", Map.of(), null, null);
        assertThat(me.json().get("userId").getAsString()).isEqualTo("rita");
        assertThat(me.json().get("operator").getAsBoolean()).isFalse();
        Answer notMine = call(servlet, rita, "GET", "/suppressions", Map.of(), null, null);
        assertThat(notMine.status()).as("a recruiter must name themselves").isEqualTo(403);
    }
}
