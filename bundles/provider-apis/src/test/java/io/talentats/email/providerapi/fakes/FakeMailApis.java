package io.talentats.email.providerapi.fakes;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import javax.net.ssl.SSLContext;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * Microsoft Graph's and the Gmail API's mail endpoints as their public references describe them, for one mailbox
 * each, in memory: what a request must look like (bearer token, content type, base64 MIME as text/plain, upload
 * chunks' Content-Range), what is answered (202, 201 with ids and upload URLs, delta pages with next and delta links,
 * history pages, raw messages) and the documented errors (JSON bodies, 429 with Retry-After, 410 for a delta link
 * no longer known, 404 for an expired history id). Tests queue answers to force errors.
 */
public final class FakeMailApis implements AutoCloseable {

    /** Graph's limit on a request's size (4 MB), as its reference states it. */
    public static final int REQUEST_LIMIT = 4 * 1024 * 1024;

    public static final String TOKEN = "access-token-1";

    public final HttpServer server;
    /** Every request as "METHOD path", in arrival order, with its arrival time (both under the lock of requests). */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    public final List<Instant> arrivals = new CopyOnWriteArrayList<>();
    /** Errors to answer next, as status, Retry-After (or null) and body. */
    public final List<Object[]> failNext = Collections.synchronizedList(new ArrayList<>());
    /** Errors to answer the next requests that start with a "METHOD path" prefix, as status, Retry-After, body. */
    public final List<Object[]> failNextFor = Collections.synchronizedList(new ArrayList<>());
    public final AtomicInteger inFlight = new AtomicInteger();
    public final AtomicInteger maxInFlight = new AtomicInteger();
    public volatile long delayMillis;

    // Graph's mailbox
    public final List<byte[]> graphSent = new CopyOnWriteArrayList<>();
    public final Map<String, Draft> drafts = new ConcurrentHashMap<>();
    public final List<String> graphInbox = new CopyOnWriteArrayList<>();
    /** Inboxes of their own, by the bearer token that reads them; a token without one reads {@link #graphInbox}. */
    public final Map<String, List<String>> graphInboxes = new ConcurrentHashMap<>();
    public final Map<String, byte[]> graphMessages = new ConcurrentHashMap<>();
    public final List<String> expiredDeltaTokens = new CopyOnWriteArrayList<>();
    /** Requests to an upload URL that carried an Authorization header (Graph says not to). */
    public final AtomicInteger uploadsWithToken = new AtomicInteger();

    // Gmail's mailbox
    public final List<byte[]> gmailSent = new CopyOnWriteArrayList<>();
    /** history id → message id added to INBOX then (and its labels) */
    public final List<String[]> gmailHistory = new CopyOnWriteArrayList<>();
    public final Map<String, byte[]> gmailMessages = new ConcurrentHashMap<>();
    public final Map<String, Instant> gmailReceived = new ConcurrentHashMap<>();
    public volatile long oldestHistoryKept = 1;
    public final AtomicInteger ids = new AtomicInteger(100);

    public static final class Draft {
        public final byte[] mime;
        public final List<byte[]> attachments = new CopyOnWriteArrayList<>();
        public final List<String> names = new CopyOnWriteArrayList<>();
        public boolean sent;

        Draft(byte[] mime) {
            this.mime = mime;
        }
    }

    /** Which bearer tokens are good: {@link #TOKEN} unless given. */
    private final Predicate<String> tokens;
    /** The mailbox's address, as the profile says it. */
    public volatile String address = "rita@corp.test";
    private final String host;

    /** Over plain HTTP, with {@link #TOKEN} the only good token (unit tests). */
    public FakeMailApis() throws IOException {
        this(null, TOKEN::equals, "127.0.0.1");
    }

    /**
     * @param tls the server's TLS, or {@code null} for plain HTTP
     * @param tokens which bearer tokens are good (the OAuth server's current ones)
     * @param host the name its certificate is for
     */
    public FakeMailApis(SSLContext tls, Predicate<String> tokens, String host) throws IOException {
        this.tokens = tokens;
        this.host = host;
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(at, 50);
        } else {
            HttpsServer https = HttpsServer.create(at, 50);
            https.setHttpsConfigurator(new HttpsConfigurator(tls));
            server = https;
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public URI base() {
        return URI.create((server instanceof HttpsServer ? "https://" : "http://") + host + ":"
                + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A message arrives in Graph's inbox (the one every token without an inbox of its own reads). */
    public String graphReceive(byte[] mime) {
        return receive(graphInbox, mime);
    }

    /** A message arrives in the inbox of the mailbox that {@code token} reads (one of its own). */
    public String graphReceive(String token, byte[] mime) {
        return receive(graphInboxes.computeIfAbsent(token, t -> new CopyOnWriteArrayList<>()), mime);
    }

    private String receive(List<String> inbox, byte[] mime) {
        String id = "AAMk" + ids.incrementAndGet() + "=";
        graphMessages.put(id, mime);
        inbox.add(id);
        return id;
    }

    /** A message arrives in Gmail's mailbox with these labels. */
    public String gmailReceive(byte[] mime, Instant received, String... labels) {
        String id = Integer.toHexString(ids.incrementAndGet());
        gmailMessages.put(id, mime);
        gmailReceived.put(id, received);
        gmailHistory.add(new String[] {Integer.toString(gmailHistory.size() + 2), id, String.join(",", labels)});
        return id;
    }

    /** The error queued for this request, if any: one for its prefix first, else the next of {@link #failNext}. */
    private Object[] nextFailure(String request) {
        synchronized (failNextFor) {
            for (int i = 0; i < failNextFor.size(); i++) {
                Object[] f = failNextFor.get(i);
                if (request.startsWith((String) f[0])) {
                    failNextFor.remove(i);
                    return new Object[] {f[1], f[2], f[3]};
                }
            }
        }
        synchronized (failNext) {
            return failNext.isEmpty() ? null : failNext.remove(0);
        }
    }

    private void handle(HttpExchange x) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            String path = x.getRequestURI().getRawPath();
            String query = x.getRequestURI().getRawQuery();
            synchronized (requests) {
                // one lock for both: the same index is the same request
                requests.add(x.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
                arrivals.add(Instant.now());
            }
            byte[] body = x.getRequestBody().readAllBytes();
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            if (path.startsWith("/upload-session/")) {
                upload(x, path, body);
                return;
            }
            String authorization = x.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")
                    || !tokens.test(authorization.substring(7))) {
                json(x, 401, path.startsWith("/gmail") || path.startsWith("/upload/gmail")
                        ? "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\","
                                + "\"errors\":[{\"reason\":\"authError\"}],\"status\":\"UNAUTHENTICATED\"}}"
                        : "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token has "
                                + "expired or is not yet valid.\"}}");
                return;
            }
            Object[] fail = nextFailure(x.getRequestMethod() + " " + path);
            if (fail != null) {
                if (fail[1] != null) {
                    x.getResponseHeaders().add("Retry-After", (String) fail[1]);
                }
                json(x, (Integer) fail[0], (String) fail[2]);
                return;
            }
            if (path.startsWith("/me/") || path.equals("/me")) {
                graph(x, path, query, body);
            } else {
                gmail(x, path, query, body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.decrementAndGet();
            x.close();
        }
    }

    private void graph(HttpExchange x, String path, String query, byte[] body) throws IOException {
        String method = x.getRequestMethod();
        if (method.equals("POST") && path.equals("/me/sendMail")) {
            if (!"text/plain".equals(x.getRequestHeaders().getFirst("Content-Type"))) {
                json(x, 400, "{\"error\":{\"code\":\"ErrorInvalidRequest\",\"message\":\"Content-Type\"}}");
            } else if (body.length > REQUEST_LIMIT) {
                json(x, 413, "{\"error\":{\"code\":\"ErrorRequestEntityTooLarge\",\"message\":\"too large\"}}");
            } else {
                graphSent.add(Base64.getMimeDecoder().decode(body));
                x.sendResponseHeaders(202, -1);
            }
        } else if (method.equals("POST") && path.equals("/me/messages")) {
            if (body.length > REQUEST_LIMIT) {
                json(x, 413, "{\"error\":{\"code\":\"ErrorRequestEntityTooLarge\",\"message\":\"too large\"}}");
                return;
            }
            String id = "draft-" + ids.incrementAndGet();
            drafts.put(id, new Draft(Base64.getMimeDecoder().decode(body)));
            json(x, 201, "{\"id\":\"" + id + "\",\"isDraft\":true}");
        } else if (method.equals("POST") && path.matches("/me/messages/[^/]+/attachments")) {
            Draft d = drafts.get(path.split("/")[3]);
            JsonObject a = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
            if (body.length > REQUEST_LIMIT) {
                json(x, 413, "{\"error\":{\"code\":\"ErrorRequestEntityTooLarge\",\"message\":\"too large\"}}");
                return;
            }
            d.attachments.add(Base64.getDecoder().decode(a.get("contentBytes").getAsString()));
            d.names.add(a.get("name").getAsString());
            json(x, 201, "{\"id\":\"att-" + ids.incrementAndGet() + "\"}");
        } else if (method.equals("POST") && path.matches("/me/messages/[^/]+/attachments/createUploadSession")) {
            String draft = path.split("/")[3];
            JsonObject item = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject()
                    .getAsJsonObject("AttachmentItem");
            String session = draft + "~" + item.get("name").getAsString() + "~" + item.get("size").getAsInt();
            uploads.put(session, new ByteArrayOutputStream());
            json(x, 201, "{\"uploadUrl\":\"" + base() + "upload-session/" + java.net.URLEncoder.encode(session,
                    StandardCharsets.UTF_8) + "\",\"nextExpectedRanges\":[\"0-\"]}");
        } else if (method.equals("POST") && path.matches("/me/messages/[^/]+/send")) {
            Draft d = drafts.get(path.split("/")[3]);
            d.sent = true;
            x.sendResponseHeaders(202, -1);
        } else if (method.equals("GET") && path.equals("/me")) {
            json(x, 200, "{\"mail\":\"" + address + "\",\"userPrincipalName\":\"" + address + "\"}");
        } else if (method.equals("GET") && path.equals("/me/mailFolders('inbox')/messages/delta")) {
            String token = x.getRequestHeaders().getFirst("Authorization").substring(7);
            delta(x, query, graphInboxes.getOrDefault(token, graphInbox));
        } else if (method.equals("GET") && path.matches("/me/messages/[^/]+/\\$value")) {
            String id = java.net.URLDecoder.decode(path.split("/")[3], StandardCharsets.UTF_8);
            byte[] m = graphMessages.get(id);
            if (m == null) {
                json(x, 404, "{\"error\":{\"code\":\"ErrorItemNotFound\",\"message\":\"not found\"}}");
            } else {
                x.sendResponseHeaders(200, m.length);
                x.getResponseBody().write(m);
            }
        } else {
            json(x, 400, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Unsupported: " + method + " " + path
                    + "\"}}");
        }
    }

    public final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();

    private void upload(HttpExchange x, String path, byte[] body) throws IOException {
        if (x.getRequestHeaders().containsKey("Authorization")) {
            uploadsWithToken.incrementAndGet();
        }
        String session = java.net.URLDecoder.decode(path.substring("/upload-session/".length()),
                StandardCharsets.UTF_8);
        String[] parts = session.split("~");
        int size = Integer.parseInt(parts[2]);
        String range = x.getRequestHeaders().getFirst("Content-Range"); // bytes a-b/total
        String[] ab = range.substring("bytes ".length(), range.indexOf('/')).split("-");
        ByteArrayOutputStream got = uploads.get(session);
        if (Integer.parseInt(ab[0]) != got.size() || body.length != Integer.parseInt(ab[1]) - Integer.parseInt(ab[0]) + 1
                || body.length % (320 * 1024) != 0 && Integer.parseInt(ab[1]) + 1 != size) {
            json(x, 416, "{\"error\":{\"code\":\"InvalidRange\",\"message\":\"" + range + "\"}}");
            return;
        }
        got.writeBytes(body);
        if (got.size() == size) {
            Draft d = drafts.get(parts[0]);
            d.attachments.add(got.toByteArray());
            d.names.add(parts[1]);
            json(x, 201, "{\"id\":\"att-" + ids.incrementAndGet() + "\"}");
        } else {
            json(x, 200, "{\"nextExpectedRanges\":[\"" + got.size() + "-\"]}");
        }
    }

    /** Delta: pages of two; the delta token is how many inbox entries were seen. */
    private void delta(HttpExchange x, String query, List<String> of) throws IOException {
        Map<String, String> q = query(query);
        int from;
        if (q.containsKey("$deltatoken")) {
            if (expiredDeltaTokens.contains(q.get("$deltatoken"))) {
                json(x, 410, "{\"error\":{\"code\":\"SyncStateNotFound\",\"message\":\"The sync state generation "
                        + "is not found.\"}}");
                return;
            }
            from = Integer.parseInt(q.get("$deltatoken"));
        } else {
            from = Integer.parseInt(q.getOrDefault("$skiptoken", "0"));
        }
        List<String> inbox = new ArrayList<>(of);
        int to = Math.min(inbox.size(), from + 2);
        JsonArray value = new JsonArray();
        for (String id : inbox.subList(Math.min(from, inbox.size()), to)) {
            JsonObject o = new JsonObject();
            o.addProperty("id", id);
            value.add(o);
        }
        if (from < to && from == 0 && q.containsKey("$skiptoken") == false && q.containsKey("$deltatoken")
                == false) {
            JsonObject removed = new JsonObject();
            removed.addProperty("id", "gone-1");
            JsonObject reason = new JsonObject();
            reason.addProperty("reason", "deleted");
            removed.add("@removed", reason);
            value.add(removed);
        }
        JsonObject page = new JsonObject();
        page.add("value", value);
        String self = base() + "me/mailFolders('inbox')/messages/delta";
        if (to < inbox.size()) {
            page.addProperty("@odata.nextLink", self + "?$skiptoken=" + to);
        } else {
            page.addProperty("@odata.deltaLink", self + "?$deltatoken=" + to);
        }
        json(x, 200, page.toString());
    }

    private void gmail(HttpExchange x, String path, String query, byte[] body) throws IOException {
        String method = x.getRequestMethod();
        Map<String, String> q = query(query);
        if (method.equals("POST") && path.equals("/upload/gmail/v1/users/me/messages/send")) {
            String type = x.getRequestHeaders().getFirst("Content-Type");
            if (!"multipart".equals(q.get("uploadType")) || type == null
                    || !type.startsWith("multipart/related; boundary=")) {
                json(x, 400, "{\"error\":{\"code\":400,\"message\":\"Bad upload\",\"errors\":[{\"reason\":"
                        + "\"badRequest\"}]}}");
                return;
            }
            byte[] raw = rfc822Part(body, type.substring(type.indexOf('=') + 1));
            gmailSent.add(raw);
            json(x, 200, "{\"id\":\"sent-" + gmailSent.size() + "\",\"threadId\":\"t1\",\"labelIds\":[\"SENT\"]}");
        } else if (method.equals("GET") && path.equals("/gmail/v1/users/me/profile")) {
            json(x, 200, "{\"emailAddress\":\"" + address + "\",\"messagesTotal\":" + gmailMessages.size()
                    + ",\"historyId\":\"" + (gmailHistory.size() + 1) + "\"}");
        } else if (method.equals("GET") && path.equals("/gmail/v1/users/me/history")) {
            long start = Long.parseLong(q.get("startHistoryId"));
            if (start < oldestHistoryKept) {
                json(x, 404, "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\","
                        + "\"errors\":[{\"reason\":\"notFound\",\"message\":\"history not found\"}],"
                        + "\"status\":\"NOT_FOUND\"}}");
                return;
            }
            int offset = Integer.parseInt(q.getOrDefault("pageToken", "0"));
            List<String[]> after = new ArrayList<>();
            for (String[] h : gmailHistory) {
                if (Long.parseLong(h[0]) > start) {
                    after.add(h);
                }
            }
            JsonArray history = new JsonArray();
            int to = Math.min(after.size(), offset + 2);
            for (String[] h : after.subList(Math.min(offset, after.size()), to)) {
                JsonObject m = new JsonObject();
                m.addProperty("id", h[1]);
                JsonArray labels = new JsonArray();
                for (String l : h[2].split(",")) {
                    labels.add(l);
                }
                m.add("labelIds", labels);
                JsonObject added = new JsonObject();
                added.add("message", m);
                JsonArray adds = new JsonArray();
                adds.add(added);
                JsonObject entry = new JsonObject();
                entry.addProperty("id", h[0]);
                entry.add("messagesAdded", adds);
                history.add(entry);
            }
            JsonObject page = new JsonObject();
            if (!history.isEmpty()) {
                page.add("history", history);
            }
            page.addProperty("historyId", Integer.toString(gmailHistory.size() + 1));
            if (to < after.size()) {
                page.addProperty("nextPageToken", Integer.toString(to));
            }
            json(x, 200, page.toString());
        } else if (method.equals("GET") && path.equals("/gmail/v1/users/me/messages")) {
            String search = q.getOrDefault("q", "");
            long after = Long.parseLong(search.substring(search.indexOf("after:") + 6).trim());
            List<String> found = new ArrayList<>();
            for (String[] h : gmailHistory) {
                if (h[2].contains("INBOX") && gmailReceived.get(h[1]).getEpochSecond() > after) {
                    found.add(0, h[1]); // newest first
                }
            }
            JsonObject page = new JsonObject();
            JsonArray messages = new JsonArray();
            for (String id : found) {
                JsonObject m = new JsonObject();
                m.addProperty("id", id);
                messages.add(m);
            }
            page.add("messages", messages);
            json(x, 200, page.toString());
        } else if (method.equals("GET") && path.startsWith("/gmail/v1/users/me/messages/")) {
            String id = path.substring("/gmail/v1/users/me/messages/".length());
            byte[] m = gmailMessages.get(id);
            if (m == null || !"raw".equals(q.get("format"))) {
                json(x, 404, "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\"}}");
                return;
            }
            json(x, 200, "{\"id\":\"" + id + "\",\"raw\":\"" + Base64.getUrlEncoder().encodeToString(m) + "\"}");
        } else {
            json(x, 400, "{\"error\":{\"code\":400,\"message\":\"Unsupported " + method + " " + path + "\"}}");
        }
    }

    /** The message/rfc822 part of a multipart/related upload. */
    public static byte[] rfc822Part(byte[] body, String boundary) {
        String s = new String(body, StandardCharsets.ISO_8859_1);
        String marker = "Content-Type: message/rfc822\r\n\r\n";
        int start = s.indexOf(marker) + marker.length();
        int end = s.lastIndexOf("\r\n--" + boundary + "--");
        return s.substring(start, end).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static Map<String, String> query(String query) {
        Map<String, String> q = new java.util.HashMap<>();
        if (query != null) {
            for (String kv : query.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(java.net.URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                            java.net.URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static void json(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
    }

    public static InputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
