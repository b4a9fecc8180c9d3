package io.talentats.email.providerapi.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * A request to a provider API for one mailbox: through its {@link MailboxGate}, with the bearer token, answered
 * with the body, or refused as an {@link ApiFailure} (whose {@code Retry-After} closes the gate for that long).
 */
final class ApiHttp {

    private final ApiFailure.Api api;
    private final Supplier<HttpClient> client;
    private final Clock clock;
    private final Duration timeout;

    ApiHttp(ApiFailure.Api api, Supplier<HttpClient> client, Clock clock, Duration timeout) {
        this.api = api;
        this.client = client;
        this.clock = clock;
        this.timeout = timeout;
    }

    HttpRequest.Builder request(URI uri, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    /** Sends the request; returns the answer's body when its status is 2xx. */
    byte[] call(MailboxGate gate, HttpRequest request) throws IOException, InterruptedException {
        gate.enter();
        HttpResponse<byte[]> r;
        try {
            r = client.get().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } finally {
            gate.leave();
        }
        if (r.statusCode() / 100 == 2) {
            return r.body();
        }
        ApiFailure f = ApiFailure.of(api, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8),
                r.headers().firstValue("Retry-After").orElse(null), clock.instant());
        f.retryAfter().ifPresent(gate::pause);
        throw f;
    }

    /** The same, with the answer parsed as a JSON object. */
    JsonObject json(MailboxGate gate, HttpRequest request) throws IOException, InterruptedException {
        byte[] body = call(gate, request);
        try {
            return JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new IOException(api.label + " answered something that is not a JSON object", e);
        }
    }

    static HttpRequest.BodyPublisher text(String s) {
        return HttpRequest.BodyPublishers.ofString(s, StandardCharsets.UTF_8);
    }
}
