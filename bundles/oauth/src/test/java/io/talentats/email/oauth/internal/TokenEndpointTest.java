package io.talentats.email.oauth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TokenEndpointTest {

    @Test
    void readsATokenAnswerWithNestedValuesAndEscapes() throws Exception {
        TokenEndpoint.Tokens t = TokenEndpoint.tokens(200, "{\"access_token\":\"a\\\"b\\u00e9\",\"expires_in\":3599,"
                + "\"scope\":[\"x\",\"y\"],\"ext\":{\"k\":{\"n\":1}},\"refresh_token\":null,\"ok\":true,"
                + "\"id_token\":\"h.p.s\"}");
        assertThat(t.accessToken()).isEqualTo("a\"bé");
        assertThat(t.expiresIn()).isEqualTo(Duration.ofSeconds(3599));
        assertThat(t.refreshToken()).isNull();
        assertThat(t.idToken()).isEqualTo("h.p.s");
        // Microsoft has sent expires_in as a string
        assertThat(TokenEndpoint.tokens(200, "{\"access_token\":\"a\",\"expires_in\":\"60\"}").expiresIn())
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void anErrorAnswerIsARefusalNamingTheError() {
        assertThatThrownBy(() -> TokenEndpoint.tokens(400, "{\"error\":\"invalid_grant\",\"error_description\":"
                + "\"AADSTS70000: token revoked\\nTrace ID: 1\",\"error_codes\":[70000]}"))
                .isInstanceOfSatisfying(TokenEndpoint.Refused.class, r -> {
                    assertThat(r.grantBroken()).isTrue();
                    assertThat(r.getMessage()).isEqualTo("invalid_grant: AADSTS70000: token revoked");
                });
    }

    /** Whatever the endpoint answers, the result is a token or a refusal: nothing else escapes. */
    @ParameterizedTest
    @ValueSource(strings = {"<html>", "{\"a\":1", "{\"access_token\":\"\\u00", "{\"access_token\":\"\\u12\"}", "[]",
        "null", "", "{\"access_token\":{\"v\":1}}", "{\"access_token\":[\"x\"]}", "{\"error\":{\"code\":1}}",
        "{\"access_token\":\"ok\"}}}}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})
    void unreadableAnswersAreRefusals(String body) {
        assertThatThrownBy(() -> TokenEndpoint.tokens(200, body)).isInstanceOf(TokenEndpoint.Refused.class);
    }

    @Test
    void idTokenClaimsAreReadFromThePayloadWithAnAudienceList() {
        String payload = b64("{\"email\":\"jane@example.com\",\"aud\":[\"other\",\"id\"],\"email_verified\":true,"
                + "\"ext\":{\"a\":[1,2]}}");
        var claims = TokenEndpoint.claims(b64("{\"alg\":\"RS256\"}") + "." + payload + ".c2ln");
        assertThat(claims.getClaim("email")).isEqualTo("jane@example.com");
        assertThat(claims.getAudience()).containsExactly("other", "id");
        assertThatThrownBy(() -> TokenEndpoint.claims("h." + b64("{\"email\":\"\\u00") + ".s"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenEndpoint.claims("no-jwt")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pkceChallengeIsTheRfc7636Example() {
        // RFC 7636 appendix B
        assertThat(SignIns.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
                .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
