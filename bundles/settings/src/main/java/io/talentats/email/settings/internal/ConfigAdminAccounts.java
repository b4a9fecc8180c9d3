package io.talentats.email.settings.internal;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccessTokens;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialUnavailableException;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.runtime.SecretCipher;
import io.talentats.email.runtime.SharedAccounts;
import io.talentats.email.api.Secret;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mailbox settings as one named factory configuration per user ({@link AccountKeys}). The password is encrypted
 * before it reaches {@link Configuration#update}; it is decrypted only in {@link #open(String)}, for our own bundles.
 */
@Component(service = {AccountSettingsService.class, CredentialVault.class}, configurationPid = ProductConfig.PID)
public class ConfigAdminAccounts implements AccountSettingsService, CredentialVault {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigAdminAccounts.class);

    private final ConfigurationAdmin configAdmin;
    private final SecretCipher cipher;
    private final Clock clock;
    private volatile ProductConfig config;
    /** Settings that passed a test and are not saved yet. */
    private final PassedTests passedTests;

    private final Announcer announcer;

    /** Health and tests, kept in the message database; absent while the store is not installed. */
    private volatile AccountStates states;

    /** Access tokens of OAuth accounts; absent while the OAuth bundle is not installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccessTokens tokens;

    /** The accounts every node shares; absent while the store is not installed (then accounts are this node's). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SharedAccounts shared;

    @Activate
    public ConfigAdminAccounts(ProductConfig config, @Reference ConfigurationAdmin configAdmin,
            @Reference SecretCipher cipher, @Reference Announcer announcer) {
        this(config, configAdmin, cipher, announcer, Clock.systemUTC());
    }

    ConfigAdminAccounts(ProductConfig config, ConfigurationAdmin configAdmin, SecretCipher cipher,
            Announcer announcer, Clock clock) {
        this.announcer = announcer;
        this.config = config;
        this.configAdmin = configAdmin;
        this.cipher = cipher;
        this.clock = clock;
        this.passedTests = new PassedTests(cipher, clock, () -> states);
    }

    @Modified
    void modified(ProductConfig config) {
        this.config = config;
    }

    @Override
    public List<FieldError> validate(String userId, AccountDraft draft) {
        boolean stored = userId != null && AccountValidator.USER_ID.matcher(userId).matches()
                && find(userId).map(c -> c.getProperties().get(AccountKeys.PASSWORD) != null).orElse(false);
        return AccountValidator.validate(userId, draft, stored, config.allow_unencrypted());
    }

    @Override
    public Account save(String userId, AccountDraft draft) throws InvalidSettingsException {
        Objects.requireNonNull(draft, "draft");
        if (userId == null || !AccountValidator.USER_ID.matcher(userId).matches()) {
            throw new InvalidSettingsException(AccountValidator.validate(userId == null ? "" : userId, draft, false,
                    config.allow_unencrypted()));
        }
        synchronized (KeyRing.SECRET_WRITES) {
            Optional<Configuration> existing = find(userId);
            Object storedPassword = existing.map(c -> c.getProperties().get(AccountKeys.PASSWORD)).orElse(null);
            List<FieldError> errors =
                    AccountValidator.validate(userId, draft, storedPassword != null, config.allow_unencrypted());
            if (!errors.isEmpty()) {
                throw new InvalidSettingsException(errors);
            }
            String oauth = draft.oauthProvider();
            if (oauth != null) {
                AccessTokens t = tokens;
                if (t == null || !t.hasGrant(userId, oauth)) {
                    throw new InvalidSettingsException(List.of(new FieldError("oauthProvider", "Sign in with "
                            + oauth + " first: an OAuth account is saved by its sign-in")));
                }
            }
            Optional<Verification> passed = passedTests.of(userId, draft, storedPassword);
            boolean tested = passed.isPresent();
            if (config.require_verified_save() && !tested) {
                throw new InvalidSettingsException(List.of(new FieldError("connection", "Test the connection with "
                        + "these settings first: they can be saved within " + PassedTests.VALIDITY.toMinutes()
                        + " minutes of a passed test")));
            }
            String pid = AccountKeys.pid(userId);
            Dictionary<String, Object> p = new Hashtable<>();
            boolean sameConnection = existing.isPresent() && sameConnection(existing.get().getProperties(), draft);
            p.put(AccountKeys.USER_ID, userId);
            p.put(AccountKeys.EMAIL_ADDRESS, draft.emailAddress().trim());
            p.put(AccountKeys.USERNAME, draft.username() == null || draft.username().isEmpty()
                    ? draft.emailAddress().trim() : draft.username());
            if (oauth != null) {
                p.put(AccountKeys.AUTH_METHOD, AccountKeys.OAUTH2);
                p.put(AccountKeys.OAUTH_PROVIDER, oauth);
                if (draft.mailAccess() != null) {
                    p.put(AccountKeys.MAIL_ACCESS, draft.mailAccess());
                }
            } else if (draft.password() != null && !draft.password().isEmpty()) {
                p.put(AccountKeys.PASSWORD, cipher.encrypt(draft.password().reveal(),
                        SecretCipher.context(pid, AccountKeys.PASSWORD)));
            } else {
                p.put(AccountKeys.PASSWORD, storedPassword);
            }
            if (draft.displayName() != null && !draft.displayName().isBlank()) {
                p.put(AccountKeys.DISPLAY_NAME, draft.displayName().trim());
            }
            p.put(AccountKeys.SMTP_HOST, draft.smtp().host().trim());
            p.put(AccountKeys.SMTP_PORT, draft.smtp().port());
            p.put(AccountKeys.SMTP_SECURITY, draft.smtp().security().name());
            p.put(AccountKeys.IMAP_HOST, draft.imap().host().trim());
            p.put(AccountKeys.IMAP_PORT, draft.imap().port());
            p.put(AccountKeys.IMAP_SECURITY, draft.imap().security().name());
            if (draft.presetId() != null) {
                p.put(AccountKeys.PRESET_ID, draft.presetId());
            }
            p.put(AccountKeys.SAVE_SENT_COPY, draft.saveSentCopy() == null ? "auto" : draft.saveSentCopy().toString());
            p.put(AccountKeys.ENABLED, draft.enabled());
            p.put(AccountKeys.SAVED_AT, clock.instant().toString());
            try {
                Configuration c = existing.isPresent()
                        ? existing.get()
                        : configAdmin.getFactoryConfiguration(AccountKeys.FACTORY_PID, userId, "?");
                SharedWrites.store(c, userId, p, shared);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot store the email settings of user " + userId, e);
            }
            passedTests.forget(userId);
            // What using the account taught us (test, health) holds only for the settings it was learnt with.
            AccountStates s = states;
            if (s != null) {
                if (!sameConnection) {
                    // The incident (if any) ends with the settings it was learnt with: say so once, then forget
                    if (!s.get(userId).health().isHealthy()) {
                        s.recordHealth(userId, AccountHealth.healthy());
                    }
                    s.forget(userId);
                }
                if (tested) {
                    s.recordVerification(userId, passed.get());
                    s.recordHealth(userId, AccountHealth.healthy());
                }
            }
            LOG.info("Saved email settings of user {} ({})", userId, existing.isPresent() ? "updated" : "connected");
            Account saved = AccountKeys.toAccount(p, state(userId));
            announcer.post(EmailEvents.ACCOUNT_SAVED, Map.of(EmailEvents.USER_ID, userId, EmailEvents.OAUTH,
                    saved.usesOAuth(), EmailEvents.MAIL_ACCESS, saved.mailAccess()));
            return saved;
        }
    }

    /** Whether the draft connects as the stored settings do: same servers, same login, password kept. */
    private static boolean sameConnection(Dictionary<String, Object> old, AccountDraft draft) {
        Account before = AccountKeys.toAccount(old, AccountState.unknown(null));
        return Objects.equals(before.smtp(), draft.smtp()) && Objects.equals(before.imap(), draft.imap())
                && Objects.equals(before.oauthProvider(), draft.oauthProvider())
                && Objects.equals(before.mailAccess(), draft.mailAccess() == null ? Account.SMTP_IMAP
                        : draft.mailAccess())
                && (draft.password() == null || draft.password().isEmpty())
                && Objects.equals(before.username(), draft.username() == null || draft.username().isEmpty()
                        ? draft.emailAddress().trim() : draft.username());
    }

    @Override
    public Optional<Account> get(String userId) {
        return find(userId).map(c -> AccountKeys.toAccount(c.getProperties(), state(userId)));
    }

    private AccountState state(String userId) {
        AccountStates s = states;
        return s == null ? AccountState.unknown(userId) : s.get(userId);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindStates")
    void bindStates(AccountStates states) {
        this.states = states;
        carryOverLegacyState(states);
    }

    void unbindStates(AccountStates states) {
        if (this.states == states) {
            this.states = null;
        }
    }

    /**
     * Moves health and test results that versions before 1.0 wrote into account configurations over to the store
     * (unless the store already knows better) and removes them from the configuration, once.
     */
    private void carryOverLegacyState(AccountStates target) {
        synchronized (KeyRing.SECRET_WRITES) {
            for (Configuration c : AccountKeys.all(configAdmin)) {
                Dictionary<String, Object> p = c.getProperties();
                AccountState legacy = AccountKeys.legacyState(p);
                if (legacy == null || legacy.userId() == null) {
                    continue;
                }
                try {
                    AccountState known = target.get(legacy.userId());
                    if (known.lastVerification() == null && legacy.lastVerification() != null) {
                        target.recordVerification(legacy.userId(), legacy.lastVerification());
                    }
                    if (known.health().isHealthy() && !legacy.health().isHealthy()) {
                        target.recordHealth(legacy.userId(), legacy.health());
                    }
                    AccountKeys.LEGACY_STATE.forEach(p::remove);
                    c.update(p);
                    LOG.info("Moved the health and last test of user {} from its configuration to the store",
                            legacy.userId());
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Could not move the state of user {} to the store; trying again at the next start: {}",
                            legacy.userId(), e.toString());
                }
            }
        }
    }

    @Override
    public boolean disconnect(String userId) {
        synchronized (KeyRing.SECRET_WRITES) {
            Optional<Configuration> existing = find(userId);
            if (existing.isEmpty()) {
                return false;
            }
            try {
                SharedWrites.remove(existing.get(), userId, shared);
            } catch (IOException e) {
                throw new IllegalStateException("Cannot remove the email settings of user " + userId, e);
            }
        }
        passedTests.forget(userId);
        AccountStates s = states;
        if (s != null) {
            s.forget(userId);
        }
        LOG.info("Disconnected the email account of user {}", userId);
        announcer.post(EmailEvents.ACCOUNT_DISCONNECTED, Map.of(EmailEvents.USER_ID, userId));
        return true;
    }

    @Override
    public List<Account> list() {
        List<Account> accounts = new ArrayList<>();
        AccountStates s = states;
        Map<String, AccountState> known = s == null ? Map.of() : s.all();
        for (Configuration c : AccountKeys.all(configAdmin)) {
            Dictionary<String, Object> p = c.getProperties();
            String user = AccountKeys.str(p, AccountKeys.USER_ID);
            accounts.add(AccountKeys.toAccount(p, known.getOrDefault(user, AccountState.unknown(user))));
        }
        accounts.sort(Comparator.comparing(Account::userId));
        return accounts;
    }

    @Override
    public Optional<MailAccount> open(String userId) {
        return find(userId).map(c -> {
            Dictionary<String, Object> p = c.getProperties();
            Account a = AccountKeys.toAccount(p, AccountState.unknown(userId));
            if (a.usesOAuth()) {
                AccessTokens t = tokens;
                if (t == null) {
                    throw new CredentialUnavailableException("user " + userId + " signs in with " + a.oauthProvider()
                            + ", but OAuth sign-in is not installed (feature talentats-email-oauth)", false);
                }
                AccessTokens.Token token = t.current(userId, a.oauthProvider());
                return new MailAccount(a.userId(), a.emailAddress(), a.username(), token.value(), a.displayName(),
                        a.smtp(), a.imap(), a.presetId(), a.saveSentCopy(), a.enabled(), true, token.expiresAt(),
                        a.mailAccess());
            }
            String cipherText = AccountKeys.str(p, AccountKeys.PASSWORD);
            Secret password = cipherText == null ? null
                    : Secret.of(cipher.decrypt(cipherText, SecretCipher.context(c.getPid(), AccountKeys.PASSWORD)));
            return new MailAccount(a.userId(), a.emailAddress(), a.username(), password, a.displayName(), a.smtp(),
                    a.imap(), a.presetId(), a.saveSentCopy(), a.enabled());
        });
    }

    @Override
    public void rejected(String userId, Secret secret) {
        AccessTokens t = tokens;
        if (t != null && secret != null) {
            t.rejected(userId, secret);
        }
    }

    @Override
    public void recordPassedTest(String userId, AccountDraft draft, Verification verification) {
        if (userId == null || !verification.passed()) {
            return;
        }
        Object stored = find(userId).map(c -> c.getProperties().get(AccountKeys.PASSWORD)).orElse(null);
        passedTests.passed(userId, draft, stored, verification);
    }

    private Optional<Configuration> find(String userId) {
        return AccountKeys.find(configAdmin, userId);
    }
}
