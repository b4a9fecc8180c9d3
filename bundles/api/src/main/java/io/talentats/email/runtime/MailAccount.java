package io.talentats.email.runtime;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;

/**
 * A stored account with its password decrypted, for the moment of use only. Its {@code toString()} masks the
 * password; do not keep it longer than the mail call that needs it.
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
        boolean enabled) {}
