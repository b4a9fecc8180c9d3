package io.talentats.email.api;

import java.time.Instant;

/**
 * A stored mailbox connection as the host ATS and operators see it. It says whether a password is set and nothing
 * more: neither the password nor its ciphertext ever leaves our bundles.
 *
 * @param userId the ATS user the mailbox belongs to
 * @param emailAddress the address mail is sent from
 * @param username the login name (the address unless it differs)
 * @param displayName the name shown beside the address, or {@code null}
 * @param smtp the outgoing server
 * @param imap the incoming server
 * @param presetId the provider preset the settings came from, or {@code null}
 * @param saveSentCopy {@code null} to follow the preset, else whether a copy goes to the Sent folder
 * @param enabled whether the account is used for sending and reply collection
 * @param passwordSet whether a password is stored
 * @param savedAt when the settings were last saved
 * @param lastVerification the outcome of the last connection test, or {@code null} if never tested
 * @param health what the last real use of the account said
 * @param oauthProvider the OAuth provider the recruiter signed in with ({@code google}, {@code microsoft}), or
 *     {@code null} for a password login
 * @param mailAccess the way mail is sent and read: {@value #SMTP_IMAP}, {@value #GRAPH} (Microsoft Graph) or
 *     {@value #GMAIL_API}, or another a plugin's {@code MailAccess} registers; the two APIs need the provider's
 *     OAuth sign-in
 */
public record Account(
        String userId,
        String emailAddress,
        String username,
        String displayName,
        Endpoint smtp,
        Endpoint imap,
        String presetId,
        Boolean saveSentCopy,
        boolean enabled,
        boolean passwordSet,
        Instant savedAt,
        Verification lastVerification,
        AccountHealth health,
        String oauthProvider,
        String mailAccess) {

    /** Mail goes out over SMTP and replies are read over IMAP (the default). */
    public static final String SMTP_IMAP = "smtp-imap";
    /** Mail is sent and read through Microsoft Graph (a Microsoft 365 or Outlook.com sign-in). */
    public static final String GRAPH = "graph";
    /** Mail is sent and read through the Gmail API (a Google sign-in). */
    public static final String GMAIL_API = "gmail-api";

    public Account {
        mailAccess = mailAccess == null || mailAccess.isBlank() ? SMTP_IMAP : mailAccess;
    }

    /** An account over SMTP and IMAP (the shape before version 2.2 of this package). */
    public Account(String userId, String emailAddress, String username, String displayName, Endpoint smtp,
            Endpoint imap, String presetId, Boolean saveSentCopy, boolean enabled, boolean passwordSet,
            Instant savedAt, Verification lastVerification, AccountHealth health, String oauthProvider) {
        this(userId, emailAddress, username, displayName, smtp, imap, presetId, saveSentCopy, enabled, passwordSet,
                savedAt, lastVerification, health, oauthProvider, SMTP_IMAP);
    }

    /** A password account (the shape of version 1.1 of this package). */
    public Account(String userId, String emailAddress, String username, String displayName, Endpoint smtp,
            Endpoint imap, String presetId, Boolean saveSentCopy, boolean enabled, boolean passwordSet,
            Instant savedAt, Verification lastVerification, AccountHealth health) {
        this(userId, emailAddress, username, displayName, smtp, imap, presetId, saveSentCopy, enabled, passwordSet,
                savedAt, lastVerification, health, null, SMTP_IMAP);
    }

    /** Whether mail goes through a provider's HTTP API (Graph, Gmail API) rather than SMTP and IMAP. */
    public boolean usesProviderApi() {
        return !SMTP_IMAP.equals(mailAccess);
    }

    /** Whether the account signs in with OAuth 2.0 (XOAUTH2) rather than a password. */
    public boolean usesOAuth() {
        return oauthProvider != null;
    }

    /**
     * The settings as a draft without a password, for editing: saving it keeps the stored password (or the OAuth
     * sign-in).
     */
    public AccountDraft toDraft() {
        return AccountDraft.builder()
                .emailAddress(emailAddress)
                .username(username)
                .displayName(displayName)
                .smtp(smtp)
                .imap(imap)
                .presetId(presetId)
                .saveSentCopy(saveSentCopy)
                .enabled(enabled)
                .oauthProvider(oauthProvider)
                .mailAccess(mailAccess)
                .build();
    }
}
