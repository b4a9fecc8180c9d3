package io.talentats.email.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class HostTokensTest {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-host-ats";
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private final HostTokens tokens = new HostTokens(SECRET, "talentats-email", Duration.ofHours(1),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTokenSignedWithTheSecretNamesItsUser() throws Exception {
        assertThat(tokens.verify(HostTokens.sign(SECRET, "rita", "talentats-email", NOW.plusSeconds(600))))
                .isEqualTo("rita");
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
        String none = b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"rita\",\"aud\":\"talentats-email\",\"exp\":"
                + NOW.plusSeconds(600).getEpochSecond() + "}") + ".";
        assertThatThrownBy(() -> tokens.verify(none)).hasMessageContaining("HS256");
        assertThatThrownBy(() -> tokens.verify("not-a-token")).hasMessageContaining("not a JWT");
        assertThatThrownBy(() -> new HostTokens("short", "a", Duration.ofHours(1), Clock.systemUTC()))
                .hasMessageContaining("at least 32");
    }

    @Test
    void anAudienceListIsAccepted() throws Exception {
        String signedPart = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64("{\"sub\":\"sam\",\"aud\":"
                + "[\"x\",\"talentats-email\"],\"exp\":" + NOW.plusSeconds(60).getEpochSecond() + "}");
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String token = signedPart + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(signedPart.getBytes(StandardCharsets.US_ASCII)));
        assertThat(tokens.verify(token)).isEqualTo("sam");
    }
}
