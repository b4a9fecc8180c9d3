package io.talentats.email.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostTokensTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-host-ats";
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private final HostTokens tokens = new HostTokens(SECRET, "talentats-email", Duration.ofHours(1),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static final String CLAIMS = "{\"sub\":\"rita\",\"aud\":\"talentats-email\",\"exp\":"
            + NOW.plusSeconds(600).getEpochSecond() + "}";

    /** Signs whatever header and payload JSON it is given, right or wrong, as a careless or hostile client could. */
    private static String handSigned(String headerJson, String payloadJson) throws Exception {
        String signed = b64(headerJson) + "." + b64(payloadJson);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return signed + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.US_ASCII)));
    }

    /** As a host ATS signs with a JWT library (here Nimbus JOSE+JWT, the most used one on the JVM). */
    private static String librarySigned(JWSHeader header, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }

    @Test
    void aTokenSignedWithTheSecretNamesItsUser() throws Exception {
        assertThat(tokens.verify(HostTokens.sign(SECRET, "rita", "talentats-email", NOW.plusSeconds(600))))
                .isEqualTo("rita");
        JWTClaimsSet withTimes = new JWTClaimsSet.Builder().subject("sam").audience(List.of("x", "talentats-email"))
                .issueTime(Date.from(NOW)).notBeforeTime(Date.from(NOW)).expirationTime(Date.from(NOW.plusSeconds(60)))
                .jwtID("j-1").claim("name", "Sam").build();
        assertThat(tokens.verify(librarySigned(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("ats-1").build(),
                withTimes))).isEqualTo("sam");
        // Written by hand, as any other library writes it
        assertThat(tokens.verify(handSigned("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", CLAIMS))).isEqualTo("rita");
    }

    @Test
    void forgedExpiredLongLivedAndWrongAudienceTokensAreRefusedSayingWhy() {
        assertThatThrownBy(() -> tokens.verify(HostTokens.sign(SECRET + "x", "rita", "talentats-email",
                NOW.plusSeconds(600)))).hasMessageContaining("signature does not match");
        assertThatThrownBy(() -> tokens.verify(HostTokens.sign(SECRET, "rita", "talentats-email",
                NOW.minusSeconds(60)))).hasMessageContaining("expired");
        assertThatThrownBy(() -> tokens.verify(HostTokens.sign(SECRET, "rita", "talentats-email",
                NOW.plus(Duration.ofDays(30))))).hasMessageContaining("lives too long");
        assertThatThrownBy(() -> tokens.verify(HostTokens.sign(SECRET, "rita", "another-app",
                NOW.plusSeconds(600)))).hasMessageContaining("audience");
        // The payload changed after signing (another user): the signature no longer matches
        String good = HostTokens.sign(SECRET, "rita", "talentats-email", NOW.plusSeconds(600));
        String[] p = good.split("\\.");
        String swapped = p[0] + "." + b64("{\"sub\":\"admin\",\"aud\":\"talentats-email\",\"exp\":"
                + NOW.plusSeconds(600).getEpochSecond() + "}") + "." + p[2];
        assertThatThrownBy(() -> tokens.verify(swapped)).hasMessageContaining("signature does not match");
        // alg none, the classic
        String none = b64("{\"alg\":\"none\"}") + "." + b64(CLAIMS) + ".";
        assertThatThrownBy(() -> tokens.verify(none)).hasMessageContaining("HS256");
        assertThatThrownBy(() -> tokens.verify("not-a-token")).hasMessageContaining("not a JWT");
        assertThatThrownBy(() -> new HostTokens("short", "a", Duration.ofHours(1), Clock.systemUTC()))
                .hasMessageContaining("at least 32");
    }

    /** Whatever the header holds, the answer is a refusal saying why (a 401), never another exception (a 500). */
    @ParameterizedTest
    @ValueSource(strings = {
        "{\"alg\":null}", "{\"alg\":{\"name\":\"HS256\"}}", "{\"alg\":[\"HS256\"]}", "{\"alg\":256}", "{}",
        "{\"alg\":\"HS256\",\"crit\":\"exp\"}", "{\"alg\":\"HS256\",\"crit\":null}", "{\"alg\":\"HS256\",\"typ\":{}}",
        "{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}", "{\"alg\":\"HS512\"}", "{\"alg\":\"RS256\"}",
        "[\"alg\",\"HS256\"]", "null", "\"HS256\"", "{\"alg\":\"HS256\"", "{\"alg\":\"HS\\u00",
        "{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":7}}"})
    void everyMalformedHeaderIsARefusal(String header) throws Exception {
        String token = handSigned(header, CLAIMS);
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(HostTokens.Refused.class)
                .hasMessageStartingWith("The bearer token");
    }

    @Test
    void aCriticalHeaderIsRefusedEvenWhenTheSignatureMatches() throws Exception {
        String token = librarySigned(new JWSHeader.Builder(JWSAlgorithm.HS256)
                .criticalParams(java.util.Set.of("urn:example:policy")).customParam("urn:example:policy", "x")
                .build(), JWTClaimsSet.parse(CLAIMS));
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(HostTokens.Refused.class)
                .hasMessageContaining("crit");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"sub\":\"rita\",\"aud\":\"talentats-email\"}", "{\"sub\":\"rita\",\"aud\":\"talentats-email\",\"exp\":\"soon\"}",
        "{\"sub\":{\"id\":1},\"aud\":\"talentats-email\",\"exp\":1796205000}",
        "{\"aud\":\"talentats-email\",\"exp\":1796205000}", "{\"sub\":\"rita\",\"aud\":7,\"exp\":1796205000}",
        "{\"sub\":\"rita\",\"aud\":[null],\"exp\":1796205000}", "[1,2]", "null", "{\"sub\":\"rita\"",
        "{\"sub\":\"rita\",\"aud\":\"talentats-email\",\"exp\":1796205000,\"nbf\":[]}"})
    void everyMalformedPayloadIsARefusal(String payload) throws Exception {
        String token = handSigned("{\"alg\":\"HS256\"}", payload);
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(HostTokens.Refused.class)
                .hasMessageStartingWith("The bearer token");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a.b", "a.b.c.d", "!!!.???.###", "..", "e30.e30.", "e30.e30.e30"})
    void garbageIsARefusal(String token) {
        assertThatThrownBy(() -> tokens.verify(token)).isInstanceOf(HostTokens.Refused.class);
    }
}
