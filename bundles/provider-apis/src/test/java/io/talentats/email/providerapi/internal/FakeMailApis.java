package io.talentats.email.providerapi.internal;

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

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Microsoft Graph's and the Gmail API's mail endpoints as their public references describe them, for one mailbox
 * each, in memory: what a request must look like (bearer token, content type, base64 MIME as text/plain, upload
 * chunks' Content-Range), what is answered (202, 201 with ids and upload URLs, delta pages with next and delta links,
 * history pages, raw messages) and the documented errors (JSON bodies, 429 with Retry-After, 410 for a delta link
 * no longer known, 404 for an expired history id). Tests queue answers to force errors.
 */
final class FakeMailApis implements AutoCloseable {

    static final String TOKEN = "access-token-1";

    final HttpServer server;
    /** Every request as "METHOD path", in arrival order, with its arrival time. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<Instant> arrivals = new CopyOnWriteArrayList<>();
    /** Errors to answer next, as status, Retry-After (or null) and body. */
    final List<Object[]> failNext = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    volatile long delayMillis;

    // Graph's mailbox
    final List<byte[]> graphSent = new CopyOnWriteArrayList<>();
    final Map<String, Draft> drafts = new ConcurrentHashMap<>();
    final List<String> graphInbox = new CopyOnWriteArrayList<>();
    final Map<String, byte[]> graphMessages = new ConcurrentHashMap<>();
    final List<String> expiredDeltaTokens = new CopyOnWriteArrayList<>();
    /** Requests to an upload URL that carried an Authorization header (Graph says not to). */
    final AtomicInteger uploadsWithToken = new AtomicInteger();

    // Gmail's mailbox
    final List<byte[]> gmailSent = new CopyOnWriteArrayList<>();
    /** history id → message id added to INBOX then (and its labels) */
    final List<String[]> gmailHistory = new CopyOnWriteArrayList<>();
    final Map<String, byte[]> gmailMessages = new ConcurrentHashMap<>();
    final Map<String, Instant> gmailReceived = new ConcurrentHashMap<>();
    volatile long oldestHistoryKept = 1;
    final AtomicInteger ids = new AtomicInteger(100);

    static final class Draft {
        final byte[] mime;
        final List<byte[]> attachments = new CopyOnWriteArrayList<>();
        final List<String> names = new CopyOnWriteArrayList<>();
        boolean sent;

        Draft(byte[] mime) {
            this.mime = mime;
        }
    }

    FakeMailApis() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** A message arrives in Graph's inbox. */
    String graphReceive(byte[] mime) {
        String id = "AAMk" + ids.incrementAndGet() + "=";
        graphMessages.put(id, mime);
        graphInbox.add(id);
        return id;
    }

    /** A message arrives in Gmail's mailbox with these labels. */
    String gmailReceive(byte[] mime, Instant received, String... labels) {
        String id = Integer.toHexString(ids.incrementAndGet());
        gmailMessages.put(id, mime);
        gmailReceived.put(id, received);
        gmailHistory.add(new String[] {Integer.toString(gmailHistory.size() + 2), id, String.join(",", labels)});
        return id;
    }

    private void handle(HttpExchange x) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            String path = x.getRequestURI().getRawPath();
            String query = x.getRequestURI().getRawQuery();
            requests.add(x.getRequestMethod() + " " + path + (query == null ? "" : "?" + query));
            arrivals.add(Instant.now());
            byte[] body = x.getRequestBody().readAllBytes();
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            if (path.startsWith("/upload-session/")) {
                upload(x, path, body);
                return;
            }
            if (!("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))) {
                json(x, 401, path.startsWith("/gmail") || path.startsWith("/upload/gmail")
                        ? "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication credentials.\","
                                + "\"errors\":[{\"reason\":\"authError\"}],\"status\":\"UNAUTHENTICATED\"}}"
                        : "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token has "
                                + "expired or is not yet valid.\"}}");
                return;
            }
            Object[] fail = failNext.isEmpty() ? null : failNext.remove(0);
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
            } else if (body.length > GraphMail.REQUEST_LIMIT) {
                json(x, 413, "{\"error\":{\"code\":\"ErrorRequestEntityTooLarge\",\"message\":\"too large\"}}");
            } else {
                graphSent.add(Base64.getMimeDecoder().decode(body));
                x.sendResponseHeaders(202, -1);
            }
        } else if (method.equals("POST") && path.equals("/me/messages")) {
            if (body.length > GraphMail.REQUEST_LIMIT) {
                json(x, 413, "{\"error\":{\"code\":\"ErrorRequestEntityTooLarge\",\"message\":\"too large\"}}");
                return;
            }
            String id = "draft-" + ids.incrementAndGet();
            drafts.put(id, new Draft(Base64.getMimeDecoder().decode(body)));
            json(x, 201, "{\"id\":\"" + id + "\",\"isDraft\":true}");
        } else if (method.equals("POST") && path.matches("/me/messages/[^/]+/attachments")) {
            Draft d = drafts.get(path.split("/")[3]);
            JsonObject a = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
            if (body.length > GraphMail.REQUEST_LIMIT) {
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
        } else if (method.equals("GET") && path.equals("/me/mailFolders('inbox')/messages/delta")) {
            delta(x, query);
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

    final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();

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
    private void delta(HttpExchange x, String query) throws IOException {
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
        List<String> inbox = new ArrayList<>(graphInbox);
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
            json(x, 200, "{\"emailAddress\":\"rita@corp.test\",\"messagesTotal\":" + gmailMessages.size()
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
    static byte[] rfc822Part(byte[] body, String boundary) {
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

    static InputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
