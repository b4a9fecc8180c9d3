package io.talentats.email.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/** A small JSON client for the REST API, as the host ATS would call it. */
final class Api {

    /** A response: status, headers and the body parsed as JSON (JSON null when empty). */
    record Response(int status, HttpResponse<String> raw, JsonElement json) {

        JsonObject object() {
            if (!json.isJsonObject()) {
                throw new AssertionError("Expected a JSON object, got " + this);
            }
            return json.getAsJsonObject();
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + raw.body();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String authorization;

    Api(String base) {
        this(base, null);
    }

    private Api(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    Api as(String user, String password) {
        return new Api(base, "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** As a recruiter with the token the host ATS signed for them. */
    Api bearer(String token) {
        return new Api(base, "Bearer " + token);
    }

    /**
     * A recruiter token as a host ATS makes one with a JWT library (Nimbus JOSE+JWT): HS256 over the secret shared
     * with us, the ATS user id as {@code sub}.
     */
    static String hostToken(String secret, String userId, Duration life) {
        try {
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                    new com.nimbusds.jose.JWSHeader(com.nimbusds.jose.JWSAlgorithm.HS256),
                    new com.nimbusds.jwt.JWTClaimsSet.Builder().subject(userId).audience("talentats-email")
                            .expirationTime(java.util.Date.from(java.time.Instant.now().plus(life))).build());
            jwt.sign(new com.nimbusds.jose.crypto.MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    Response get(String path) {
        return send("GET", path, null, null);
    }

    Response delete(String path) {
        return send("DELETE", path, null, null);
    }

    Response put(String path, String json) {
        return send("PUT", path, json, "application/json");
    }

    Response post(String path, String json) {
        return send("POST", path, json, "application/json");
    }

    Response send(String method, String path, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api" + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String text = r.body();
            JsonElement json;
            try {
                json = text == null || text.isBlank() ? JsonNull.INSTANCE : JsonParser.parseString(text);
            } catch (JsonParseException e) {
                json = JsonNull.INSTANCE; // not ours: the container's own error page; toString() shows it
            }
            return new Response(r.statusCode(), r, json);
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
