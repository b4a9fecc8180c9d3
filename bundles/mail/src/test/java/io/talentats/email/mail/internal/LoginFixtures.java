package io.talentats.email.mail.internal;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

/**
 * A vault and account states for tests of a login (the mail bundle's and every other way into a mailbox), published
 * in the mail bundle's test-jar.
 */
public final class LoginFixtures {

    private LoginFixtures() {}

    /**
     * As the token service behaves: the current account until its token is handed back, then the next of {@link
     * #afterRejection}; {@link #next} replaces it at each open instead (a new token per look).
     */
    public static final class Vault implements CredentialVault {
        public final Deque<MailAccount> next = new ConcurrentLinkedDeque<>();
        public final Deque<MailAccount> afterRejection = new ConcurrentLinkedDeque<>();
        public final List<String> rejected = new ArrayList<>();
        public int opened;
        private MailAccount current;

        @Override
        public synchronized Optional<MailAccount> open(String userId) {
            opened++;
            MailAccount a = next.poll();
            current = a != null ? a : current;
            return Optional.ofNullable(current);
        }

        @Override
        public synchronized void rejected(String userId, Secret secret) {
            rejected.add(secret.reveal());
            MailAccount a = afterRejection.poll();
            current = a != null ? a : current;
        }

        @Override
        public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {}
    }

    public static final class States implements AccountStates {
        public final List<AccountHealth> recorded = new ArrayList<>();

        @Override
        public boolean recordHealth(String userId, AccountHealth health) {
            recorded.add(health);
            return true;
        }

        @Override
        public AccountState get(String userId) {
            return AccountState.unknown(userId);
        }

        @Override
        public Map<String, AccountState> all() {
            return Map.of();
        }

        @Override
        public void recordVerification(String userId, Verification verification) {}

        @Override
        public void forget(String userId) {}

        @Override
        public void recordPassedTest(String userId, PassedTest test) {}

        @Override
        public Optional<PassedTest> passedTest(String userId) {
            return Optional.empty();
        }

        @Override
        public void forgetPassedTest(String userId) {}
    }
}
