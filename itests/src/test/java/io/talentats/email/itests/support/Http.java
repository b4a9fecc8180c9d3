package io.talentats.email.itests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HTTP as a host application or a browser calls the REST API: no redirects followed, JSON bodies. */
public final class Http {

    /** An answer: status, Location header, body. */
    public record Answer(int status, String location, String body) {}

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    private final String base;
    private final Map<String, String> headers;

    private Http(String base, Map<String, String> headers) {
        this.base = base;
        this.headers = headers;
    }

    /** Calls under {@code base} (e.g. {@code http://localhost:8181/talentats-email}) with no credentials. */
    public static Http at(String base) {
        return new Http(base, Map.of());
    }

    public Http basic(String user, String password) {
        return with("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    public Http bearer(String token) {
        return with("Authorization", "Bearer " + token);
    }

    public Http with(String header, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(header, value);
        return new Http(base, h);
    }

    public Answer get(String path) throws IOException {
        return call("GET", path, null);
    }

    public Answer delete(String path) throws IOException {
        return call("DELETE", path, null);
    }

    public Answer post(String path, String json) throws IOException {
        return call("POST", path, json);
    }

    public Answer put(String path, String json) throws IOException {
        return call("PUT", path, json);
    }

    /**
     * One call. The JDK's HttpClient rather than HttpURLConnection: the latter silently drops {@code Origin},
     * which the cross-site tests must send.
     */
    public Answer call(String method, String path, String json) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Location").orElse(null), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * A recruiter token as a host ATS makes one, with a JWT library (Nimbus JOSE+JWT): HS256 over the shared secret.
     *
     * @param claims the payload's JSON, e.g. {@code {"sub":"rita","aud":"talentats-email","exp":1790000000}}
     */
    public static String jwt(String secret, String claims) {
        try {
            com.nimbusds.jwt.SignedJWT jwt = new com.nimbusds.jwt.SignedJWT(
                    new com.nimbusds.jose.JWSHeader.Builder(com.nimbusds.jose.JWSAlgorithm.HS256)
                            .type(com.nimbusds.jose.JOSEObjectType.JWT).build(),
                    com.nimbusds.jwt.JWTClaimsSet.parse(claims));
            jwt.sign(new com.nimbusds.jose.crypto.MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token whose header is given as it is (right or wrong), signed by hand with HS256 over the shared secret. */
    public static String handSignedJwt(String secret, String headerJson, String claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signed = b64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signed + "." + b64.encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
