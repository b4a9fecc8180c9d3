package io.talentats.email.store.internal;

import java.util.Map;
import java.util.Optional;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.Announcer;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * What using an account teaches ({@link AccountStates}): its health, its last test and its passed test, in
 * {@link AccountStateTable}; changes of health and tests are announced.
 */
@Component(service = AccountStates.class)
public final class AccountStateService implements AccountStates {

    private final AccountStateTable states;
    private final Announcer announcer;

    @Activate
    public AccountStateService(@Reference Database db, @Reference Announcer announcer) {
        this.states = new AccountStateTable(db.jdbc(), db.clock());
        this.announcer = announcer;
    }

    @Override
    public AccountState get(String userId) {
        return states.get(userId);
    }

    @Override
    public Map<String, AccountState> all() {
        return states.all();
    }

    @Override
    public void recordVerification(String userId, Verification verification) {
        states.recordVerification(userId, verification);
        announcer.post(EmailEvents.ACCOUNT_VERIFIED, Map.of(EmailEvents.USER_ID, userId,
                EmailEvents.PASSED, verification.passed()));
    }

    @Override
    public boolean recordHealth(String userId, AccountHealth health) {
        if (!states.recordHealth(userId, health)) {
            return false;
        }
        announcer.post(EmailEvents.ACCOUNT_HEALTH, Map.of(EmailEvents.USER_ID, userId, EmailEvents.HEALTH,
                health.state().name(), EmailEvents.REASON, health.reason() == null ? "" : health.reason()));
        return true;
    }

    @Override
    public void forget(String userId) {
        states.forget(userId);
    }

    @Override
    public void recordPassedTest(String userId, PassedTest test) {
        states.recordPassedTest(userId, test);
    }

    @Override
    public Optional<PassedTest> passedTest(String userId) {
        return states.passedTest(userId);
    }

    @Override
    public void forgetPassedTest(String userId) {
        states.forgetPassedTest(userId);
    }
}
