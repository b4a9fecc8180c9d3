package io.talentats.email.oauth.internal;

import java.util.List;
import java.util.Optional;

import io.talentats.email.api.Account;

/**
 * The scopes a sign-in asks for when the mailbox is reached through a provider's API rather than SMTP and IMAP
 * (those are the preset's): exactly what sending and reading need, an ID token with the address, and for Microsoft
 * a refresh token. These are what an operator consents to in Entra ID or the Google Cloud console.
 */
final class ApiScopes {

    /** Microsoft Graph: send and read mail; a token for Graph is a token for no other resource. */
    static final List<String> GRAPH = List.of("offline_access", "openid", "email",
            "https://graph.microsoft.com/Mail.Send", "https://graph.microsoft.com/Mail.Read");
    /** The Gmail API: send, and read without the right to change or delete anything. */
    static final List<String> GMAIL_API = List.of("openid", "email",
            "https://www.googleapis.com/auth/gmail.send", "https://www.googleapis.com/auth/gmail.readonly");

    private ApiScopes() {}

    /** A client's {@code mail.access}: SMTP and IMAP, and the provider's API where they turn out to be off. */
    static final String AUTO = "auto";

    static boolean known(String access) {
        return Account.SMTP_IMAP.equals(access) || Account.GRAPH.equals(access) || Account.GMAIL_API.equals(access)
                || AUTO.equals(access);
    }

    /** The API each provider's mailboxes can be reached through instead of SMTP and IMAP. */
    private static final java.util.Map<String, String> API_OF = java.util.Map.of("microsoft", Account.GRAPH,
            "google", Account.GMAIL_API);

    /** The API a provider's mailboxes can be reached through instead of SMTP and IMAP. */
    static Optional<String> apiOf(String provider) {
        return Optional.ofNullable(API_OF.get(provider));
    }

    /** The scopes of an API access; empty for SMTP and IMAP (the preset's then). */
    static Optional<List<String>> scopes(String access) {
        return switch (access) {
            case Account.GRAPH -> Optional.of(GRAPH);
            case Account.GMAIL_API -> Optional.of(GMAIL_API);
            default -> Optional.empty();
        };
    }

    /** The OAuth provider an API access signs in with. */
    static Optional<String> provider(String access) {
        return API_OF.entrySet().stream().filter(e -> e.getValue().equals(access)).map(java.util.Map.Entry::getKey)
                .findFirst();
    }
}
