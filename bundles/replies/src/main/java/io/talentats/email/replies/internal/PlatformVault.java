package io.talentats.email.replies.internal;

import java.util.Optional;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.runtime.PlatformMailbox;

/** The recruiters' vault, and the platform's bounce mailbox under {@link PlatformMailbox#USER_ID}. */
final class PlatformVault implements CredentialVault {

    private final CredentialVault recruiters;
    private volatile Optional<MailAccount> platform = Optional.empty();

    PlatformVault(CredentialVault recruiters) {
        this.recruiters = recruiters;
    }

    void platform(Optional<MailAccount> account) {
        this.platform = account;
    }

    @Override
    public Optional<MailAccount> open(String userId) {
        return PlatformMailbox.USER_ID.equals(userId) ? platform : recruiters.open(userId);
    }

    @Override
    public void rejected(String userId, Secret secret) {
        if (!PlatformMailbox.USER_ID.equals(userId)) {
            recruiters.rejected(userId, secret);
        }
    }

    @Override
    public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {
        recruiters.recordPassedTest(userId, draft, verification);
    }
}
