package io.talentats.email.web.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Short-lived tokens the host ATS signs for a recruiter: a JWT (RFC 7519) with HMAC-SHA256 ({@code HS256}) under the
 * secret shared with us, claims {@code sub} (the ATS user id), {@code aud} (our audience), {@code exp} (at most
 * {@code maxLifetime} ahead), optionally {@code iat}/{@code nbf}. Any JWT library makes one; nothing else is accepted
 * ({@code alg: none}, other algorithms, a wrong audience, an expired or too long-lived token).
 */
final class HostTokens {

    /** Clock skew tolerated between the host ATS and us. */
    static final Duration SKEW = Duration.ofSeconds(30);
    /** The shortest secret taken: HS256 wants at least 256 bits. */
    static final int MIN_SECRET = 32;

    /** Why a token was refused, in words for the 401 answer. Never contains the token. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final SecretKeySpec key;
    private final String audience;
    private final Duration maxLifetime;
    private final Clock clock;

    HostTokens(String secret, String audience, Duration maxLifetime, Clock clock) {
        if (secret == null || secret.length() < MIN_SECRET) {
            throw new IllegalArgumentException("token.secret must be at least " + MIN_SECRET + " characters");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.audience = audience;
        this.maxLifetime = maxLifetime;
        this.clock = clock;
    }

    /** @return the ATS user id the token is for */
    String verify(String token) throws Refused {
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw new Refused("The bearer token is not a JWT (header.payload.signature)");
        }
        JsonObject header = json(parts[0], "header");
        if (!header.has("alg") || !"HS256".equals(header.get("alg").getAsString())) {
            throw new Refused("The bearer token must be signed with HS256");
        }
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new Refused("The bearer token's signature is not base64url");
        }
        if (!MessageDigest.isEqual(signature, mac(parts[0] + "." + parts[1]))) {
            throw new Refused("The bearer token's signature does not match: sign it with the configured "
                    + "token.secret");
        }
        JsonObject claims = json(parts[1], "payload");
        Instant now = clock.instant();
        Instant exp = seconds(claims, "exp");
        if (exp == null) {
            throw new Refused("The bearer token has no exp claim: tokens must expire");
        }
        if (!exp.plus(SKEW).isAfter(now)) {
            throw new Refused("The bearer token has expired: ask the host application for a new one");
        }
        if (exp.isAfter(now.plus(maxLifetime).plus(SKEW))) {
            throw new Refused("The bearer token lives too long: exp may be at most " + maxLifetime.toMinutes()
                    + " minutes ahead");
        }
        Instant nbf = seconds(claims, "nbf");
        if (nbf != null && nbf.isAfter(now.plus(SKEW))) {
            throw new Refused("The bearer token is not valid yet (nbf)");
        }
        if (!audienceMatches(claims.get("aud"))) {
            throw new Refused("The bearer token is for another audience: aud must be " + audience);
        }
        JsonElement sub = claims.get("sub");
        if (sub == null || !sub.isJsonPrimitive() || sub.getAsString().isBlank() || sub.getAsString().length() > 200) {
            throw new Refused("The bearer token has no sub claim: it must name the ATS user id");
        }
        return sub.getAsString();
    }

    /** Makes a token; what the host ATS does, here for tests and for operators trying the API. */
    static String sign(String secret, String subject, String audience, Instant expires) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        JsonObject claims = new JsonObject();
        claims.addProperty("sub", subject);
        claims.addProperty("aud", audience);
        claims.addProperty("exp", expires.getEpochSecond());
        String signed = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        HostTokens t = new HostTokens(secret, audience, Duration.ofDays(1), Clock.systemUTC());
        return signed + "." + b64.encodeToString(t.mac(signed));
    }

    private boolean audienceMatches(JsonElement aud) {
        if (aud == null) {
            return false;
        }
        if (aud.isJsonArray()) {
            for (JsonElement e : aud.getAsJsonArray()) {
                if (e.isJsonPrimitive() && audience.equals(e.getAsString())) {
                    return true;
                }
            }
            return false;
        }
        return aud.isJsonPrimitive() && audience.equals(aud.getAsString());
    }

    private byte[] mac(String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static JsonObject json(String part, String what) throws Refused {
        try {
            JsonElement e = JsonParser.parseString(new String(Base64.getUrlDecoder().decode(part),
                    StandardCharsets.UTF_8));
            if (e.isJsonObject()) {
                return e.getAsJsonObject();
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new Refused("The bearer token's " + what + " is not base64url JSON");
    }

    private static Instant seconds(JsonObject claims, String name) throws Refused {
        JsonElement e = claims.get(name);
        if (e == null) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(e.getAsLong());
        } catch (RuntimeException ex) {
            throw new Refused("The bearer token's " + name + " claim must be seconds since 1970");
        }
    }
}
