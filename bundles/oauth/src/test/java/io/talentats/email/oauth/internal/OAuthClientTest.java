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

    private static Clients.Client client(String provider, String access) {
        return new Clients.Client(provider, "Sign in", "id", null, "https://ats.test/cb", "https://login.test/a",
                "https://login.test/t", null, null, java.util.List.of("openid", "email", "imap-smtp"), Map.of(),
                java.util.List.of(), access);
    }

    @Test
    void anAutoClientSignsInForSmtpAndImapAndAllowsTheProvidersApiOnlyWhenAskedFor() {
        assertThat(OAuthClient.problem(config("microsoft", "auto"))).isNull();
        Clients.Client auto = client("microsoft", "auto");
        assertThat(auto.defaultAccess()).isEqualTo("smtp-imap");
        assertThat(auto.switchTo()).contains("graph");
        assertThat(auto.access(null)).isEqualTo("smtp-imap");
        assertThat(auto.access("graph")).isEqualTo("graph");
        assertThat(auto.scopesFor(auto.access(null))).containsExactly("openid", "email", "imap-smtp");
        assertThat(auto.scopesFor("graph")).contains("https://graph.microsoft.com/Mail.Send");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> auto.access("gmail-api"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mail.access = auto");

        Clients.Client plain = client("microsoft", "smtp-imap");
        assertThat(plain.switchTo()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> plain.access("graph"))
                .hasMessageContaining("cannot be for mail access graph");
        assertThat(client("google", "gmail-api").access(null)).isEqualTo("gmail-api");
    }
}
