package io.talentats.email.oauth.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

import io.talentats.email.oauth.internal.Clients.Client;
import io.talentats.email.support.TrustedHttpClient;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;

/**
 * The provider's token, device authorization and revocation endpoints (RFC 6749, 7636, 8628, 7009) over the JDK's
 * HTTP client, with short timeouts. What it answers is read, never logged.
 */
class TokenEndpoint {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    /** A token endpoint's answer. Its {@code toString()} shows no token. */
    record Tokens(String accessToken, String refreshToken, Duration expiresIn, String idToken) {
        @Override
        public String toString() {
            return "Tokens[expires in " + expiresIn + ", refresh " + (refreshToken != null) + "]";
        }
    }

    /** The endpoint said no ({@code error} as RFC 6749 5.2 names it), or answered something we cannot read. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final String error;

        Refused(String error, String description) {
            super(description == null || description.isBlank() ? error : error + ": " + firstLine(description));
            this.error = error;
        }

        /** The grant is gone for good: revoked, expired, password changed, consent withdrawn. */
        boolean grantBroken() {
            return "invalid_grant".equals(error);
        }

        private static String firstLine(String s) {
            int nl = s.indexOf('\n');
            String line = nl < 0 ? s : s.substring(0, nl);
            return line.length() > 300 ? line.substring(0, 300) + "…" : line;
        }
    }

    private final TrustedHttpClient http;

    /** With the JVM's TLS trust. */
    TokenEndpoint() {
        this(() -> null);
    }

    /** @param trust the TLS trust to use (the operator's trusted certificates); {@code null} for the JVM's */
    TokenEndpoint(java.util.function.Supplier<javax.net.ssl.SSLContext> trust) {
        this.http = new TrustedHttpClient(trust, b -> b.connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER));
    }

    Tokens exchangeCode(Client c, String code, String verifier) throws IOException, Refused, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", c.redirectUri());
        form.put("code_verifier", verifier);
        return tokens(post(c, c.tokenUrl(), form));
    }

    Tokens refresh(Client c, String refreshToken) throws IOException, Refused, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return tokens(post(c, c.tokenUrl(), form));
    }

    /** The device authorization answer (RFC 8628 3.2). */
    record DeviceAuthorization(String deviceCode, String userCode, String verificationUri, Duration expiresIn,
            Duration interval) {
        @Override
        public String toString() {
            return "DeviceAuthorization[" + userCode + ", " + verificationUri + "]";
        }
    }

    DeviceAuthorization authorizeDevice(Client c) throws IOException, Refused, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("scope", String.join(" ", c.scopesFor(c.defaultAccess())));
        HttpResponse<String> response = post(c, c.deviceAuthorizationUrl(), form);
        JsonObject r = answer(response.statusCode(), response.body());
        // Google answers verification_url, RFC 8628 says verification_uri
        String uri = text(r, "verification_uri") != null ? text(r, "verification_uri") : text(r, "verification_url");
        if (text(r, "device_code") == null || text(r, "user_code") == null || uri == null) {
            throw new Refused("invalid_response", "the device authorization answer has no device_code, user_code or "
                    + "verification_uri");
        }
        return new DeviceAuthorization(text(r, "device_code"), text(r, "user_code"), uri,
                Duration.ofSeconds(number(r, "expires_in", 900)), Duration.ofSeconds(number(r, "interval", 5)));
    }

    Tokens pollDevice(Client c, String deviceCode) throws IOException, Refused, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
        form.put("device_code", deviceCode);
        return tokens(post(c, c.tokenUrl(), form));
    }

    /** RFC 7009; whether the provider confirmed. */
    boolean revoke(Client c, String token) throws IOException, InterruptedException {
        if (c.revocationUrl() == null) {
            return false;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        return post(c, c.revocationUrl(), form).statusCode() == 200;
    }

    private HttpResponse<String> post(Client c, String url, Map<String, String> form)
            throws IOException, InterruptedException {
        Map<String, String> body = new LinkedHashMap<>(form);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        if (c.clientSecret() != null) {
            // client_secret_post: accepted by Google and Microsoft alike
            body.put("client_id", c.clientId());
            body.put("client_secret", c.clientSecret().reveal());
        } else {
            body.put("client_id", c.clientId());
        }
        return http.get().send(b.POST(HttpRequest.BodyPublishers.ofString(form(body))).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static Tokens tokens(HttpResponse<String> response) throws Refused {
        return tokens(response.statusCode(), response.body());
    }

    /** A token endpoint's answer (RFC 6749 5.1), or its refusal (5.2). */
    static Tokens tokens(int status, String body) throws Refused {
        JsonObject r = answer(status, body);
        String access = text(r, "access_token");
        if (access == null || access.isEmpty()) {
            throw new Refused("invalid_response", "the token endpoint answered without an access_token");
        }
        return new Tokens(access, text(r, "refresh_token"), Duration.ofSeconds(number(r, "expires_in", 3600)),
                text(r, "id_token"));
    }

    private static JsonObject answer(int status, String body) throws Refused {
        JsonObject r;
        try {
            JsonElement e = JsonParser.parseString(body == null ? "" : body);
            if (!e.isJsonObject()) {
                throw new JsonParseException("not an object");
            }
            r = e.getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new Refused("invalid_response", "HTTP " + status + " without a JSON object as answer");
        }
        if (text(r, "error") != null) {
            throw new Refused(text(r, "error"), text(r, "error_description"));
        }
        if (status / 100 != 2) {
            throw new Refused("invalid_response", "HTTP " + status);
        }
        return r;
    }

    /** A member given as a string, number or boolean, as text; {@code null} when absent, null or not a value. */
    private static String text(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : null;
    }

    private static long number(JsonObject o, String name, long dflt) {
        String s = text(o, name);
        try {
            return s == null ? dflt : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static String form(Map<String, String> values) {
        StringJoiner j = new StringJoiner("&");
        values.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return j.toString();
    }

    /**
     * The claims of an ID token. It comes straight from the token endpoint over TLS (OpenID Connect Core 3.1.3.7),
     * so its signature is not checked here; its audience and nonce are, by the caller.
     *
     * @throws IllegalArgumentException when it is not a JWT with a JSON claims set
     */
    static JWTClaimsSet claims(String idToken) {
        try {
            return JWTParser.parse(idToken == null ? "" : idToken).getJWTClaimsSet();
        } catch (java.text.ParseException | RuntimeException e) {
            throw new IllegalArgumentException("the ID token is not a JWT with JSON claims");
        }
    }
}
