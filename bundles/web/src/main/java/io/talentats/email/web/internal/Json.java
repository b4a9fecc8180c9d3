package io.talentats.email.web.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;

/**
 * JSON in and out. Output is the API's records as they are (times as ISO-8601, durations in milliseconds); a
 * {@link Secret} is never written, whatever carries it.
 */
final class Json {

    static final Gson GSON = new GsonBuilder()
            .disableHtmlEscaping()
            .registerTypeAdapter(Instant.class, new TypeAdapter<Instant>() {
                @Override
                public void write(JsonWriter out, Instant value) throws IOException {
                    out.value(value.toString());
                }

                @Override
                public Instant read(JsonReader in) throws IOException {
                    return Instant.parse(in.nextString());
                }
            }.nullSafe())
            .registerTypeAdapter(Duration.class, new TypeAdapter<Duration>() {
                @Override
                public void write(JsonWriter out, Duration value) throws IOException {
                    out.value(value.toMillis());
                }

                @Override
                public Duration read(JsonReader in) throws IOException {
                    return Duration.ofMillis(in.nextLong());
                }
            }.nullSafe())
            .registerTypeAdapter(Secret.class, new TypeAdapter<Secret>() {
                @Override
                public void write(JsonWriter out, Secret value) throws IOException {
                    out.nullValue();
                }

                @Override
                public Secret read(JsonReader in) throws IOException {
                    if (in.peek() == JsonToken.NULL) {
                        in.nextNull();
                        return null;
                    }
                    return Secret.of(in.nextString());
                }
            })
            .create();

    private Json() {}

    /** The settings form as JSON: a password only when typed, else the stored one is kept. */
    static final class AccountInput {
        String emailAddress;
        String username;
        String password;
        String displayName;
        String smtpHost;
        Integer smtpPort;
        Security smtpSecurity;
        String imapHost;
        Integer imapPort;
        Security imapSecurity;
        String presetId;
        Boolean saveSentCopy;
        Boolean enabled;
        /** Keeps an OAuth sign-in while editing; a new one is made only by signing in. */
        String oauthProvider;
        /** Keeps the way into the mailbox an OAuth sign-in chose while editing. */
        String mailAccess;

        AccountDraft toDraft() {
            return AccountDraft.builder()
                    .emailAddress(emailAddress)
                    .username(blankToNull(username))
                    .password(password == null || password.isEmpty() ? null : password)
                    .displayName(blankToNull(displayName))
                    .smtp(smtpHost == null && smtpPort == null && smtpSecurity == null ? null
                            : new Endpoint(smtpHost, smtpPort == null ? 0 : smtpPort, smtpSecurity))
                    .imap(imapHost == null && imapPort == null && imapSecurity == null ? null
                            : new Endpoint(imapHost, imapPort == null ? 0 : imapPort, imapSecurity))
                    .presetId(blankToNull(presetId))
                    .saveSentCopy(saveSentCopy)
                    .enabled(enabled == null || enabled)
                    .oauthProvider(blankToNull(oauthProvider))
                    .mailAccess(blankToNull(mailAccess))
                    .build();
        }
    }

    /** The start of a sign-in: {@code {"provider": "google", "presetId": "gmail", "address": "..."}}. */
    static final class SignInInput {
        String provider;
        String presetId;
        String address;
        /** Empty for the client's way into the mailbox; the provider's API when the page offered it. */
        String mailAccess;
    }

    /** A message to send, as JSON. */
    static final class MessageInput {
        String senderUserId;
        String senderName;
        String senderAddress;
        MessageKind kind;
        java.util.List<String> to;
        java.util.List<String> cc;
        String subject;
        String textBody;
        String htmlBody;
        String candidateId;
        String applicationId;
        String threadId;
        String idempotencyKey;

        OutboundMessage toMessage() {
            OutboundMessage.Builder b = OutboundMessage.builder().senderUserId(senderUserId).senderName(senderName)
                    .senderAddress(senderAddress).kind(kind).subject(subject).textBody(textBody).htmlBody(htmlBody)
                    .candidateId(candidateId).applicationId(applicationId).threadId(threadId)
                    .idempotencyKey(idempotencyKey);
            if (to != null) {
                b.to(to);
            }
            if (cc != null) {
                cc.forEach(b::cc);
            }
            return b.build();
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
