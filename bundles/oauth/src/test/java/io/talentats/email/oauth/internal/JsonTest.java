package io.talentats.email.oauth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void readsATokenAnswerWithNestedValuesAndEscapes() {
        Map<String, String> m = Json.object("{\"access_token\":\"a\\\"b\\u00e9\",\"expires_in\":3599,"
                + "\"scope\":[\"x\",\"y\"],\"ext\":{\"k\":{\"n\":1}},\"refresh_token\":null,\"ok\":true}");
        assertThat(m).containsEntry("access_token", "a\"bé").containsEntry("expires_in", "3599")
                .containsEntry("ok", "true").containsEntry("refresh_token", null).doesNotContainKeys("scope", "ext");
    }

    @Test
    void refusesWhatIsNotAnObject() {
        assertThatThrownBy(() -> Json.object("<html>")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.object("{\"a\":1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idTokenClaimsAreReadFromThePayload() {
        String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"email\":\"jane@example.com\",\"aud\":\"id\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(TokenEndpoint.claims("h." + payload + ".s")).containsEntry("email", "jane@example.com");
    }

    @Test
    void pkceChallengeIsTheRfc7636Example() {
        // RFC 7636 appendix B
        assertThat(SignIns.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}
