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
        String oauthProvider) {

    /** A password account (the shape of version 1.1 of this package). */
    public Account(String userId, String emailAddress, String username, String displayName, Endpoint smtp,
            Endpoint imap, String presetId, Boolean saveSentCopy, boolean enabled, boolean passwordSet,
            Instant savedAt, Verification lastVerification, AccountHealth health) {
        this(userId, emailAddress, username, displayName, smtp, imap, presetId, saveSentCopy, enabled, passwordSet,
                savedAt, lastVerification, health, null);
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
                .build();
    }
}
