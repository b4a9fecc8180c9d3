package io.talentats.email.mail.internal;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.ApiInbox;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link MailAccess} that logs each user in the way their account says ({@link MailAccount#access()}): a
 * whiteboard of the other {@code MailAccess} services by their {@value MailAccess#PROPERTY} property. An account
 * whose way in is not installed fails to send and read with words that say which feature to install.
 */
@Component(service = MailAccess.class, property = MailAccess.PROPERTY + "=" + MailAccess.BY_ACCOUNT)
public class AccountMailAccess implements MailAccess {

    private final CredentialVault vault;
    private final Map<String, MailAccess> installed = new ConcurrentHashMap<>();

    @Activate
    public AccountMailAccess(@Reference CredentialVault vault) {
        this.vault = vault;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(&(" + MailAccess.PROPERTY + "=*)(!("
                    + MailAccess.PROPERTY + "=" + MailAccess.BY_ACCOUNT + ")))", unbind = "removeAccess")
    void addAccess(MailAccess access, Map<String, Object> properties) {
        installed.put(String.valueOf(properties.get(MailAccess.PROPERTY)), access);
    }

    void removeAccess(MailAccess access, Map<String, Object> properties) {
        installed.remove(String.valueOf(properties.get(MailAccess.PROPERTY)), access);
    }

    @Override
    public AccountLogin login(String userId) {
        return new ByAccount(userId);
    }

    @Override
    public AccountLogin login(MailAccount account) {
        return implementation(account.access()).login(account);
    }

    private MailAccess implementation(String access) {
        MailAccess a = installed.get(access);
        if (a == null) {
            a = installed.get(Account.SMTP_IMAP);
            if (a == null) {
                throw new IllegalStateException("No mail access is installed (feature talentats-email)");
            }
            return new Missing(access, a);
        }
        return a;
    }

    /**
     * A user's login that becomes the login of their account's way in at its first use, and again after
     * {@link #forget()} (the account's settings changed: the way in may have too).
     */
    private final class ByAccount implements AccountLogin {

        private final String userId;
        private AccountLogin current;

        ByAccount(String userId) {
            this.userId = userId;
        }

        private AccountLogin current() {
            if (current == null) {
                String access = vault.open(userId).map(MailAccount::access).orElse(Account.SMTP_IMAP);
                current = implementation(access).login(userId);
            }
            return current;
        }

        /** The login for health and classification, even when the account cannot be opened now. */
        private AccountLogin anyway() {
            if (current != null) {
                return current;
            }
            try {
                return current();
            } catch (RuntimeException e) {
                return implementation(Account.SMTP_IMAP).login(userId);
            }
        }

        @Override
        public String userId() {
            return userId;
        }

        @Override
        public Optional<MailAccount> account() {
            return current().account();
        }

        @Override
        public String send(MimeMessage message, Address[] recipients) throws MessagingException {
            return current().send(message, recipients);
        }

        @Override
        public String lastServerReply() {
            return current == null ? null : current.lastServerReply();
        }

        @Override
        public boolean connected() {
            return current != null && current.connected();
        }

        @Override
        public <S extends Store> S openStore(StoreFactory<S> stores, boolean forIdle) throws MessagingException {
            return current().openStore(stores, forIdle);
        }

        @Override
        public Optional<ApiInbox> inbox() {
            return current().inbox();
        }

        @Override
        public void worked() {
            if (current != null) {
                current.worked();
            }
        }

        @Override
        public Diagnosis failed(Protocol protocol, Exception error, String serverReply) {
            return anyway().failed(protocol, error, serverReply);
        }

        @Override
        public void unreachable(String why) {
            anyway().unreachable(why);
        }

        @Override
        public void record(AccountHealth health) {
            anyway().record(health);
        }

        @Override
        public void forget() {
            if (current != null) {
                current.forget();
                current = null;
            }
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
            }
        }
    }

    /** A way in that is not installed: the account opens, health is recorded, but nothing is sent or read. */
    private record Missing(String access, MailAccess fallback) implements MailAccess {

        @Override
        public AccountLogin login(String userId) {
            return wrap(fallback.login(userId));
        }

        @Override
        public AccountLogin login(MailAccount account) {
            return wrap(fallback.login(account));
        }

        private AccountLogin wrap(AccountLogin login) {
            String why = "The account's mail access \"" + access + "\" is not installed: install the feature "
                    + (Account.GRAPH.equals(access) || Account.GMAIL_API.equals(access)
                            ? "talentats-email-provider-apis" : "that provides it") + ", or connect the account again";
            return new NotInstalled(login, why);
        }
    }

    /** Everything of the fallback's login but sending and reading, which fail with {@code why}. */
    private record NotInstalled(AccountLogin login, String why) implements AccountLogin {

        @Override
        public String userId() {
            return login.userId();
        }

        @Override
        public Optional<MailAccount> account() {
            return login.account();
        }

        @Override
        public String send(MimeMessage message, Address[] recipients) throws MessagingException {
            throw new MessagingException(why);
        }

        @Override
        public String lastServerReply() {
            return null;
        }

        @Override
        public boolean connected() {
            return false;
        }

        @Override
        public <S extends Store> S openStore(StoreFactory<S> stores, boolean forIdle) throws MessagingException {
            throw new MessagingException(why);
        }

        @Override
        public void worked() {
            login.worked();
        }

        @Override
        public Diagnosis failed(Protocol protocol, Exception error, String serverReply) {
            return login.failed(protocol, error, serverReply);
        }

        @Override
        public void unreachable(String why) {
            login.unreachable(why);
        }

        @Override
        public void record(AccountHealth health) {
            login.record(health);
        }

        @Override
        public void forget() {
            login.forget();
        }

        @Override
        public void close() {
            login.close();
        }
    }
}
