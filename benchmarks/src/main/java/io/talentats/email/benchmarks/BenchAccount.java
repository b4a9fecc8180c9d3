package io.talentats.email.benchmarks;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

/** One connected recruiter, held in memory: the settings service is not what the benchmarks measure. */
final class BenchAccount implements AccountSettingsService, CredentialVault {

    private final String userId;
    private final String address;
    private final String password;
    private final Endpoint smtp;
    private final Endpoint imap;

    BenchAccount(String userId, String address, String password, Endpoint smtp, Endpoint imap) {
        this.userId = userId;
        this.address = address;
        this.password = password;
        this.smtp = smtp;
        this.imap = imap;
    }

    private Account account() {
        return new Account(userId, address, address, "Bench Recruiter", smtp, imap, null, false, true, true,
                Instant.now(), null, AccountHealth.healthy());
    }

    @Override
    public List<FieldError> validate(String id, AccountDraft draft) {
        return List.of();
    }

    @Override
    public Account save(String id, AccountDraft draft) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Account> get(String id) {
        return userId.equals(id) ? Optional.of(account()) : Optional.empty();
    }

    @Override
    public boolean disconnect(String id) {
        return false;
    }

    @Override
    public List<Account> list() {
        return List.of(account());
    }

    @Override
    public Optional<MailAccount> open(String id) {
        return userId.equals(id)
                // No login name: the local test servers offer no authentication (smtp-sink even answers AUTH
                // with 250), so the router connects without one, as raw Angus does in the same run.
                ? Optional.of(new MailAccount(userId, address, null, Secret.of(password), "Bench Recruiter", smtp,
                        imap, null, false, true))
                : Optional.empty();
    }

    @Override
    public void recordPassedTest(String id, AccountDraft draft, Verification verification) {}
}
