package io.talentats.email.runtime;

import java.time.Instant;

import io.talentats.email.api.Account;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;

/**
 * A stored account with its secret decrypted, for the moment of use only. Its {@code toString()} masks the secret;
 * do not keep it longer than the mail call that needs it.
 *
 * @param password the password, or for an OAuth account the current access token (sent with XOAUTH2)
 * @param oauth whether the secret is an OAuth access token: log in with XOAUTH2, and ask the vault again for a
 *     new connection after {@code secretExpiresAt}
 * @param secretExpiresAt when the access token expires; {@code null} for a password
 * @param access the way into the mailbox ({@link io.talentats.email.api.Account#mailAccess()}): the
 *     {@code mail.access} property of the {@code MailAccess} service that sends and reads for it
 */
public record MailAccount(
        String userId,
        String emailAddress,
        String username,
        Secret password,
        String displayName,
        Endpoint smtp,
        Endpoint imap,
        String presetId,
        Boolean saveSentCopy,
        boolean enabled,
        boolean oauth,
        Instant secretExpiresAt,
        String access) {

    public MailAccount {
        access = access == null || access.isBlank() ? Account.SMTP_IMAP : access;
    }

    /** An account over SMTP and IMAP. */
    public MailAccount(String userId, String emailAddress, String username, Secret password, String displayName,
            Endpoint smtp, Endpoint imap, String presetId, Boolean saveSentCopy, boolean enabled, boolean oauth,
            Instant secretExpiresAt) {
        this(userId, emailAddress, username, password, displayName, smtp, imap, presetId, saveSentCopy, enabled,
                oauth, secretExpiresAt, Account.SMTP_IMAP);
    }

    /**
     * The user id of the platform's own bounce mailbox (where reports about mail the platform sent come back): its
     * checkpoints and the addresses suppressed for platform mail are kept under it.
     */
    public static final String PLATFORM_USER_ID = "*platform*";

    /** A password account. */
    public MailAccount(String userId, String emailAddress, String username, Secret password, String displayName,
            Endpoint smtp, Endpoint imap, String presetId, Boolean saveSentCopy, boolean enabled) {
        this(userId, emailAddress, username, password, displayName, smtp, imap, presetId, saveSentCopy, enabled,
                false, null);
    }
}
