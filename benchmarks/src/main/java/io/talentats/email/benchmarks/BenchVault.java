package io.talentats.email.benchmarks;

import java.util.Optional;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

/** Dovecot's benchmark users: user {@code benchN} logs in as {@code benchN} with password {@code bench}. */
final class BenchVault implements CredentialVault {

    private final Endpoint imap;

    BenchVault(Endpoint imap) {
        this.imap = imap;
    }

    static String address(String user) {
        return user + "@bench.localhost";
    }

    @Override
    public Optional<MailAccount> open(String userId) {
        return Optional.of(new MailAccount(userId, address(userId), userId, Secret.of("bench"), "Bench " + userId,
                new Endpoint("127.0.0.1", 2525, io.talentats.email.api.Security.NONE), imap, null, false, true));
    }

    @Override
    public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {}
}
