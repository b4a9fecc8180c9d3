package io.talentats.email.oauth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** An OAuth client's configuration is refused with words that say what to fix. */
class OAuthClientTest {

    private static OAuthClientConfig config(String provider, String access) {
        Map<String, Object> p = new HashMap<>(Map.of("provider", provider, "client.id", "id",
                "callback.base.url", "https://ats.example.com"));
        if (access != null) {
            p.put("mail.access", access);
        }
        return Converters.standardConverter().convert(p).to(OAuthClientConfig.class);
    }

    @Test
    void theMailAccessMustBeKnownAndFitTheProvider() {
        assertThat(OAuthClient.problem(config("microsoft", null))).isNull();
        assertThat(OAuthClient.problem(config("microsoft", "graph"))).isNull();
        assertThat(OAuthClient.problem(config("google", "gmail-api"))).isNull();
        assertThat(OAuthClient.problem(config("google", "graph"))).isEqualTo("mail.access graph needs provider "
                + "microsoft");
        assertThat(OAuthClient.problem(config("microsoft", "exchange"))).startsWith("mail.access must be");
        assertThat(ApiScopes.scopes("graph").orElseThrow()).contains("https://graph.microsoft.com/Mail.Send",
                "https://graph.microsoft.com/Mail.Read", "offline_access").doesNotContain(
                        "https://graph.microsoft.com/Mail.ReadWrite");
        assertThat(ApiScopes.scopes("gmail-api").orElseThrow()).contains(
                "https://www.googleapis.com/auth/gmail.readonly").doesNotContain("https://mail.google.com/");
        assertThat(ApiScopes.scopes("smtp-imap")).isEmpty();
    }
}
