package io.talentats.email.api;

import java.util.List;
import java.util.Map;

/**
 * How a provider's mailboxes sign in with OAuth 2.0, as its preset describes it. URLs may contain {@code {tenant}},
 * replaced by the tenant of the operator's client configuration (Microsoft).
 *
 * @param provider the OAuth provider this preset belongs to ({@code google}, {@code microsoft}); operators configure
 *     one client per provider, shared by every preset of that provider
 * @param authorizationUrl the authorization endpoint (authorization code flow with PKCE)
 * @param tokenUrl the token endpoint (code exchange, refresh, device code polling)
 * @param revocationUrl the revocation endpoint (RFC 7009), or {@code null} where the provider has none
 * @param deviceAuthorizationUrl the device authorization endpoint (RFC 8628), or {@code null}
 * @param scopes the scopes to ask for; must allow IMAP and SMTP and give an ID token with the address
 * @param authorizationParameters extra parameters of the authorization request (e.g. {@code access_type=offline})
 */
public record OAuthSignIn(
        String provider,
        String authorizationUrl,
        String tokenUrl,
        String revocationUrl,
        String deviceAuthorizationUrl,
        List<String> scopes,
        Map<String, String> authorizationParameters) {

    public OAuthSignIn {
        scopes = List.copyOf(scopes);
        authorizationParameters = Map.copyOf(authorizationParameters);
    }
}
