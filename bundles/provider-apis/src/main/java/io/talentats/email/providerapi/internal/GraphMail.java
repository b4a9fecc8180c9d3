package io.talentats.email.providerapi.internal;

import io.talentats.email.mail.ApiInbox.Changes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import io.talentats.email.mail.MailSessions;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * A mailbox through Microsoft Graph (v1.0), as its reference describes it: sending our MIME as it is
 * ({@code POST /me/sendMail}, base64 as {@code text/plain}) and, for a message whose request would pass Graph's 4 MB
 * limit, a draft made from the MIME without its attachments, each attachment added (inline under 3 MB, through an
 * upload session above), and {@code send}; reading the inbox's new messages with a delta query, whose delta link is
 * the checkpoint, and each message's MIME ({@code GET /me/messages/{id}/$value}). Graph keeps the Sent copy itself.
 */
final class GraphMail {

    /** Graph's limit on a request's size. */
    static final int REQUEST_LIMIT = 4 * 1024 * 1024;
    /** Attachments from this size go through an upload session; smaller ones are posted whole. */
    static final int UPLOAD_SESSION_FROM = 3 * 1024 * 1024;
    /** Upload chunks are multiples of 320 KiB, as Graph requires: 10 of them. */
    static final int CHUNK = 10 * 320 * 1024;

    private final URI base;
    private final ApiHttp http;
    private final MailSessions sessions;

    /** @param base e.g. {@code https://graph.microsoft.com/v1.0/} */
    GraphMail(URI base, ApiHttp http, MailSessions sessions) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.http = http;
        this.sessions = sessions;
    }

    /** Sends {@code mime} from the signed-in mailbox. */
    void send(String token, MailboxGate gate, byte[] mime) throws IOException, InterruptedException {
        String encoded = Base64.getEncoder().encodeToString(mime);
        if (encoded.length() <= REQUEST_LIMIT) {
            http.call(gate, http.request(base.resolve("me/sendMail"), token).header("Content-Type", "text/plain")
                    .POST(ApiHttp.text(encoded)).build());
            return;
        }
        Split split = split(mime);
        String draft = string(http.json(gate, http.request(base.resolve("me/messages"), token)
                .header("Content-Type", "text/plain")
                .POST(ApiHttp.text(Base64.getEncoder().encodeToString(split.rest()))).build()), "id");
        String messagePath = "me/messages/" + URLEncoder.encode(draft, StandardCharsets.UTF_8);
        for (Attachment a : split.attachments()) {
            if (a.bytes().length < UPLOAD_SESSION_FROM) {
                JsonObject body = new JsonObject();
                body.addProperty("@odata.type", "#microsoft.graph.fileAttachment");
                body.addProperty("name", a.name());
                body.addProperty("contentType", a.contentType());
                body.addProperty("contentBytes", Base64.getEncoder().encodeToString(a.bytes()));
                http.call(gate, http.request(base.resolve(messagePath + "/attachments"), token)
                        .header("Content-Type", "application/json").POST(ApiHttp.text(body.toString())).build());
            } else {
                upload(token, gate, messagePath, a);
            }
        }
        http.call(gate, http.request(base.resolve(messagePath + "/send"), token)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    private void upload(String token, MailboxGate gate, String messagePath, Attachment a)
            throws IOException, InterruptedException {
        JsonObject item = new JsonObject();
        item.addProperty("attachmentType", "file");
        item.addProperty("name", a.name());
        item.addProperty("size", a.bytes().length);
        item.addProperty("contentType", a.contentType());
        JsonObject body = new JsonObject();
        body.add("AttachmentItem", item);
        String uploadUrl = string(http.json(gate, http.request(base.resolve(messagePath
                + "/attachments/createUploadSession"), token).header("Content-Type", "application/json")
                .POST(ApiHttp.text(body.toString())).build()), "uploadUrl");
        byte[] bytes = a.bytes();
        for (int from = 0; from < bytes.length; from += CHUNK) {
            int to = Math.min(bytes.length, from + CHUNK);
            // The upload URL carries its own authorization: no bearer token goes to it.
            http.call(gate, http.request(URI.create(uploadUrl), null)
                    .header("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + bytes.length)
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes, from, to - from)).build());
        }
    }

    /** The MIME without its attachments, and the attachments. */
    record Split(byte[] rest, List<Attachment> attachments) {}

    record Attachment(String name, String contentType, byte[] bytes) {}

    Split split(byte[] mime) throws IOException {
        try {
            return sessions.call(() -> {
                try {
                    return splitNow(mime);
                } catch (IOException e) {
                    throw new MessagingException(e.getMessage(), e);
                }
            });
        } catch (MessagingException e) {
            throw new IOException("The message cannot be split for Microsoft Graph: " + e.getMessage(), e);
        }
    }

    private Split splitNow(byte[] mime) throws MessagingException, IOException {
        Session session = sessions.session(new Properties());
        MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(mime)) {
            @Override
            protected void updateMessageID() {
                // the Message-ID we chose stays: threading and reply matching rely on it
            }
        };
        List<Attachment> attachments = new ArrayList<>();
        if (m.getContent() instanceof Multipart mp) {
            for (int i = mp.getCount() - 1; i >= 0; i--) {
                BodyPart p = mp.getBodyPart(i);
                if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition()) || p.getFileName() != null) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    p.getDataHandler().writeTo(out);
                    String type = p.getContentType() == null ? "application/octet-stream"
                            : p.getContentType().split(";")[0].trim();
                    attachments.add(0, new Attachment(p.getFileName() == null ? "attachment" : p.getFileName(),
                            type, out.toByteArray()));
                    mp.removeBodyPart(i);
                }
            }
            m.setContent(mp);
            m.saveChanges();
        }
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        m.writeTo(rest);
        return new Split(rest.toByteArray(), attachments);
    }

    /**
     * The inbox's messages added since {@code checkpoint} (a delta link) and the next delta link; with no
     * checkpoint, those received since {@code from} (the account's connect time, or a lost checkpoint's time).
     */
    Changes changes(String token, MailboxGate gate, String checkpoint, Instant from)
            throws IOException, InterruptedException {
        URI next = checkpoint != null ? URI.create(checkpoint) : base.resolve("me/mailFolders('inbox')/messages/delta"
                + "?changeType=created&$select=id,receivedDateTime&$filter=" + URLEncoder.encode("receivedDateTime ge "
                        + from.truncatedTo(ChronoUnit.SECONDS), StandardCharsets.UTF_8));
        List<String> added = new ArrayList<>();
        while (true) {
            JsonObject page = http.json(gate, http.request(next, token).header("Prefer", "odata.maxpagesize=50")
                    .GET().build());
            JsonElement value = page.get("value");
            if (value != null && value.isJsonArray()) {
                for (JsonElement e : value.getAsJsonArray()) {
                    JsonObject o = e.getAsJsonObject();
                    if (!o.has("@removed") && o.has("id")) {
                        added.add(o.get("id").getAsString());
                    }
                }
            }
            if (page.has("@odata.nextLink")) {
                next = URI.create(page.get("@odata.nextLink").getAsString());
            } else if (page.has("@odata.deltaLink")) {
                return new Changes(added, page.get("@odata.deltaLink").getAsString(), false);
            } else {
                throw new IOException("Microsoft Graph ended a delta round without a next or delta link");
            }
        }
    }

    /** The signed-in mailbox's address: its {@code mail}, else its user principal name. */
    String profile(String token, MailboxGate gate) throws IOException, InterruptedException {
        JsonObject me = http.json(gate, http.request(base.resolve("me?$select=mail,userPrincipalName"), token).GET()
                .build());
        JsonElement mail = me.get("mail");
        return mail != null && mail.isJsonPrimitive() ? mail.getAsString() : string(me, "userPrincipalName");
    }

    /** One message as MIME, as it arrived. */
    byte[] raw(String token, MailboxGate gate, String id) throws IOException, InterruptedException {
        return http.call(gate, http.request(base.resolve("me/messages/" + URLEncoder.encode(id,
                StandardCharsets.UTF_8) + "/$value"), token).GET().build());
    }

    private static String string(JsonObject o, String name) throws IOException {
        JsonElement e = o.get(name);
        if (e == null || !e.isJsonPrimitive()) {
            throw new IOException("Microsoft Graph's answer has no " + name);
        }
        return e.getAsString();
    }
}
