package io.talentats.email.providerapi.internal;

import io.talentats.email.mail.ApiInbox.Changes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * A mailbox through the Gmail API (v1), as its reference describes it: sending our MIME as it is
 * ({@code POST /upload/gmail/v1/users/me/messages/send?uploadType=multipart}, up to 35 MB); reading the inbox's new
 * messages from a history id ({@code users.history.list}, label INBOX, {@code messageAdded}), which is the checkpoint,
 * and each message's MIME ({@code users.messages.get?format=raw}). A history id Gmail no longer keeps (404) is read
 * again from a time: the inbox's messages after it ({@code users.messages.list?q=in:inbox after:…}). Gmail keeps the
 * Sent copy itself.
 */
final class GmailMail {

    /** Gmail's limit on a message sent through the upload endpoint. */
    static final long SEND_LIMIT = 35L * 1024 * 1024;

    private final URI base;
    private final ApiHttp http;

    /** @param base e.g. {@code https://gmail.googleapis.com/} */
    GmailMail(URI base, ApiHttp http) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.http = http;
    }

    /** Sends {@code mime} from the signed-in mailbox; returns Gmail's id of the sent message. */
    String send(String token, MailboxGate gate, byte[] mime) throws IOException, InterruptedException {
        if (mime.length > SEND_LIMIT) {
            throw ApiFailure.of(ApiFailure.Api.GMAIL, 413, "{\"error\":{\"code\":413,\"message\":\"the message is "
                    + mime.length + " bytes, more than Gmail's 35 MB\"}}", null, Instant.now());
        }
        String boundary = "talentats-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream(mime.length + 512);
        body.writeBytes(("--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{}\r\n--"
                + boundary + "\r\nContent-Type: message/rfc822\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(mime);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        JsonObject sent = http.json(gate, http.request(base.resolve(
                "upload/gmail/v1/users/me/messages/send?uploadType=multipart"), token)
                .header("Content-Type", "multipart/related; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
        return string(sent, "id");
    }

    /** The signed-in mailbox's address. */
    String profile(String token, MailboxGate gate) throws IOException, InterruptedException {
        return string(http.json(gate, http.request(base.resolve("gmail/v1/users/me/profile"), token).GET().build()),
                "emailAddress");
    }

    /** The mailbox's history id now: where reading starts for an account connected now. */
    String historyNow(String token, MailboxGate gate) throws IOException, InterruptedException {
        return string(http.json(gate, http.request(base.resolve("gmail/v1/users/me/profile"), token).GET().build()),
                "historyId");
    }

    /**
     * The inbox's messages added after history id {@code checkpoint}, and the history id to read from next. A
     * checkpoint Gmail no longer keeps fails with {@link ApiFailure#resyncNeeded()}: read {@link #since} then.
     */
    Changes changes(String token, MailboxGate gate, String checkpoint) throws IOException, InterruptedException {
        Set<String> added = new LinkedHashSet<>();
        String pageToken = null;
        String latest = checkpoint;
        do {
            String q = "gmail/v1/users/me/history?startHistoryId=" + enc(checkpoint)
                    + "&labelId=INBOX&historyTypes=messageAdded&maxResults=100"
                    + (pageToken == null ? "" : "&pageToken=" + enc(pageToken));
            JsonObject page;
            try {
                page = http.json(gate, http.request(base.resolve(q), token).GET().build());
            } catch (ApiFailure f) {
                // history.list answers a start it no longer keeps with 404
                throw f.status() == 404 ? ApiFailure.checkpointExpired(f) : f;
            }
            JsonElement history = page.get("history");
            if (history != null && history.isJsonArray()) {
                for (JsonElement h : history.getAsJsonArray()) {
                    JsonElement adds = h.getAsJsonObject().get("messagesAdded");
                    if (adds == null || !adds.isJsonArray()) {
                        continue;
                    }
                    for (JsonElement a : adds.getAsJsonArray()) {
                        JsonObject message = a.getAsJsonObject().getAsJsonObject("message");
                        if (message != null && message.has("id") && inInbox(message)) {
                            added.add(message.get("id").getAsString());
                        }
                    }
                }
            }
            if (page.has("historyId")) {
                latest = page.get("historyId").getAsString();
            }
            pageToken = page.has("nextPageToken") ? page.get("nextPageToken").getAsString() : null;
        } while (pageToken != null);
        return new Changes(new ArrayList<>(added), latest, false);
    }

    /**
     * The inbox's messages received after {@code from}, and the history id to read from next (taken before the
     * listing, so what arrives during it is read again rather than missed; the ids already seen are recognised).
     */
    Changes since(String token, MailboxGate gate, Instant from) throws IOException, InterruptedException {
        String history = historyNow(token, gate);
        List<String> found = new ArrayList<>();
        String pageToken = null;
        do {
            String q = "gmail/v1/users/me/messages?maxResults=100&q=" + enc("in:inbox after:" + from.getEpochSecond())
                    + (pageToken == null ? "" : "&pageToken=" + enc(pageToken));
            JsonObject page = http.json(gate, http.request(base.resolve(q), token).GET().build());
            JsonElement messages = page.get("messages");
            if (messages != null && messages.isJsonArray()) {
                for (JsonElement m : messages.getAsJsonArray()) {
                    found.add(m.getAsJsonObject().get("id").getAsString());
                }
            }
            pageToken = page.has("nextPageToken") ? page.get("nextPageToken").getAsString() : null;
        } while (pageToken != null);
        // messages.list answers newest first
        java.util.Collections.reverse(found);
        return new Changes(found, history, false);
    }

    /** One message as MIME, as it arrived. */
    byte[] raw(String token, MailboxGate gate, String id) throws IOException, InterruptedException {
        JsonObject m = http.json(gate, http.request(base.resolve("gmail/v1/users/me/messages/" + enc(id)
                + "?format=raw"), token).GET().build());
        return Base64.getUrlDecoder().decode(string(m, "raw"));
    }

    private static boolean inInbox(JsonObject message) {
        JsonElement labels = message.get("labelIds");
        if (labels == null || !labels.isJsonArray()) {
            return true; // the history was asked for INBOX only
        }
        for (JsonElement l : labels.getAsJsonArray()) {
            if ("INBOX".equals(l.getAsString())) {
                return true;
            }
        }
        return false;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String string(JsonObject o, String name) throws IOException {
        JsonElement e = o.get(name);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IOException("The Gmail API's answer has no " + name);
        }
        return e.getAsString();
    }
}
