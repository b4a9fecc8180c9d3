package io.talentats.email.providers.internal;

/**
 * Google's and Microsoft's OAuth 2.0 endpoints and scopes, written once for the presets that sign in with them.
 * Microsoft's URLs carry {@code {tenant}}, which the operator's client configuration fills in.
 */
final class SignInEndpoints {

    static final String GOOGLE = "google";
    static final String GOOGLE_AUTHORIZATION = "https://accounts.google.com/o/oauth2/v2/auth";
    static final String GOOGLE_TOKEN = "https://oauth2.googleapis.com/token";
    static final String GOOGLE_REVOCATION = "https://oauth2.googleapis.com/revoke";
    static final String GOOGLE_MAIL_SCOPE = "https://mail.google.com/";

    static final String MICROSOFT = "microsoft";
    static final String MICROSOFT_AUTHORIZATION = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize";
    static final String MICROSOFT_TOKEN = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token";
    static final String MICROSOFT_DEVICE = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode";
    static final String MICROSOFT_IMAP_SCOPE = "https://outlook.office.com/IMAP.AccessAsUser.All";
    static final String MICROSOFT_SMTP_SCOPE = "https://outlook.office.com/SMTP.Send";

    private SignInEndpoints() {}
}
