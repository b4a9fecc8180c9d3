package io.talentats.email.api;

/** How a provider expects a third-party mail client such as ours to log in. */
public enum AuthMethod {
    /** The account password works. */
    PASSWORD,
    /** An app-specific password is needed (usually with 2-step verification on); the account password is refused. */
    APP_PASSWORD,
    /**
     * Password logins are switched off; only OAuth 2.0 sign-in works (offered where the preset has an {@link
     * ProviderPreset#oauth() OAuth description} and the operator configured a client for it).
     */
    OAUTH2_ONLY
}
