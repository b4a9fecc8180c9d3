package io.talentats.email.web.internal;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Short-lived tokens the host ATS signs for a recruiter: a JWT (RFC 7519) with HMAC-SHA256 ({@code HS256}) under the
 * secret shared with us, claims {@code sub} (the ATS user id), {@code aud} (our audience), {@code exp} (at most
 * {@code maxLifetime} ahead), optionally {@code iat}/{@code nbf}. Any JWT library makes one; nothing else is accepted
 * ({@code alg: none}, other algorithms, a {@code crit} header, a wrong audience, an expired or too long-lived token).
 * Parsing and the signature check are Nimbus JOSE+JWT's; every way a token can be malformed is a {@link Refused}.
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

    private final MACVerifier verifier;
    private final String audience;
    private final Duration maxLifetime;
    private final Clock clock;

    HostTokens(String secret, String audience, Duration maxLifetime, Clock clock) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET) {
            throw new IllegalArgumentException("token.secret must be at least " + MIN_SECRET + " characters");
        }
        try {
            this.verifier = new MACVerifier(secret.getBytes(StandardCharsets.UTF_8));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("token.secret cannot be used for HS256: " + e.getMessage());
        }
        this.audience = audience;
        this.maxLifetime = maxLifetime;
        this.clock = clock;
    }

    /** @return the ATS user id the token is for */
    String verify(String token) throws Refused {
        SignedJWT jwt = parse(token);
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
            throw new Refused("The bearer token must be signed with HS256");
        }
        if (names(header).contains("crit")) {
            // RFC 7515 4.1.11: a recipient that does not understand a critical extension must refuse the token
            throw new Refused("The bearer token names critical header parameters (crit) this server does not "
                    + "support: leave crit out");
        }
        boolean signed;
        try {
            signed = jwt.verify(verifier);
        } catch (JOSEException | RuntimeException e) {
            signed = false;
        }
        if (!signed) {
            throw new Refused("The bearer token's signature does not match: sign it with the configured "
                    + "token.secret");
        }
        JWTClaimsSet claims = claims(jwt);
        Instant now = clock.instant();
        Instant exp = instant(claims, "exp");
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
        Instant nbf = instant(claims, "nbf");
        if (nbf != null && nbf.isAfter(now.plus(SKEW))) {
            throw new Refused("The bearer token is not valid yet (nbf)");
        }
        List<String> aud;
        try {
            aud = claims.getStringListClaim("aud");
        } catch (ParseException e) {
            aud = null;
        }
        if (aud == null || !aud.contains(audience)) {
            throw new Refused("The bearer token is for another audience: aud must be " + audience);
        }
        String sub;
        try {
            sub = claims.getStringClaim("sub");
        } catch (ParseException e) {
            sub = null;
        }
        if (sub == null || sub.isBlank() || sub.length() > 200) {
            throw new Refused("The bearer token has no sub claim: it must name the ATS user id");
        }
        return sub;
    }

    /** Makes a token, as the host ATS does; for operators trying the API. */
    static String sign(String secret, String subject, String audience, Instant expires) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                    .subject(subject).audience(audience).expirationTime(Date.from(expires)).build());
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalArgumentException("cannot sign with this secret: " + e.getMessage(), e);
        }
    }

    private static SignedJWT parse(String token) throws Refused {
        String t = token == null ? "" : token.trim();
        if (t.split("\\.", -1).length != 3) {
            throw new Refused("The bearer token is not a JWT (header.payload.signature)");
        }
        try {
            return SignedJWT.parse(t);
        } catch (ParseException | RuntimeException e) {
            // A header that is not base64url JSON, or whose alg is missing, null, an object or an array
            throw new Refused("The bearer token's header must be base64url JSON with \"alg\": \"HS256\"");
        }
    }

    /** The header's parameter names as sent, including those Nimbus reads as absent (a {@code null} value). */
    private static java.util.Set<String> names(JWSHeader header) throws Refused {
        try {
            return JSONObjectUtils.parse(header.getParsedBase64URL().decodeToString()).keySet();
        } catch (ParseException | RuntimeException e) {
            throw new Refused("The bearer token's header must be base64url JSON with \"alg\": \"HS256\"");
        }
    }

    private static JWTClaimsSet claims(SignedJWT jwt) throws Refused {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw new Refused("The bearer token's payload must be base64url JSON with JWT claims (exp, nbf and iat in "
                    + "seconds since 1970, sub and aud as text)");
        }
    }

    private static Instant instant(JWTClaimsSet claims, String name) throws Refused {
        Object value = claims.getClaim(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Date d) {
            return d.toInstant();
        }
        throw new Refused("The bearer token's " + name + " claim must be seconds since 1970");
    }
}
