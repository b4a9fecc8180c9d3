package io.talentats.email.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.talentats.email.api.Account;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.runtime.MailAccount;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** Each user's login goes the way their account says, and again after the account changed. */
class AccountMailAccessTest {

    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");

    private final LoginFixtures.Vault vault = new LoginFixtures.Vault();
    private final LoginFixtures.States states = new LoginFixtures.States();
    private final SmtpImapAccess smtpImap = new SmtpImapAccess(new AngusMailSessions(Converters.standardConverter()
            .convert(Map.of()).to(MailConfig.class)), vault, states, Clock.fixed(NOW, ZoneOffset.UTC));
    private final AccountMailAccess byAccount = new AccountMailAccess(vault);

    private static MailAccount account(String access) {
        return new MailAccount("rita", "rita@corp.test", "rita@corp.test", Secret.of("token"), "Rita",
                new Endpoint("127.0.0.1", 1, Security.NONE), new Endpoint("127.0.0.1", 1, Security.NONE), null,
                false, true, true, NOW.plusSeconds(3600), access);
    }

    /** A way in that answers every send with its name. */
    private record Named(String name, MailAccess real) implements MailAccess {
        @Override
        public AccountLogin login(String userId) {
            return new Answering(real.login(userId), name);
        }

        @Override
        public AccountLogin login(MailAccount account) {
            return new Answering(real.login(account), name);
        }
    }

    @Test
    void aUsersLoginIsTheirAccountsWayInAndFollowsAChangeOfIt() throws Exception {
        byAccount.addAccess(new Named("smtp-imap", smtpImap), Map.of(MailAccess.PROPERTY, Account.SMTP_IMAP));
        byAccount.addAccess(new Named("graph", smtpImap), Map.of(MailAccess.PROPERTY, Account.GRAPH));
        vault.next.add(account(Account.GRAPH));
        AccountLogin login = byAccount.login("rita");
        MimeMessage m = new MimeMessage((Session) null);
        assertThat(login.send(m, null)).isEqualTo("graph");

        // The account was saved with another way in: the next use after forget() follows it
        vault.next.add(account(Account.SMTP_IMAP));
        login.forget();
        assertThat(login.send(m, null)).isEqualTo("smtp-imap");
    }

    @Test
    void aWayInThatIsNotInstalledSaysWhichFeatureToInstall() {
        byAccount.addAccess(smtpImap, Map.of(MailAccess.PROPERTY, Account.SMTP_IMAP));
        vault.next.add(account(Account.GMAIL_API));
        AccountLogin login = byAccount.login("rita");
        assertThatThrownBy(() -> login.send(new MimeMessage((Session) null), null))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("\"gmail-api\" is not installed")
                .hasMessageContaining("talentats-email-provider-apis");
        assertThat(login.account()).isPresent();
        assertThat(login.inbox()).isEmpty();

        byAccount.addAccess(new Named("gmail-api", smtpImap), Map.of(MailAccess.PROPERTY, Account.GMAIL_API));
        byAccount.removeAccess(smtpImap, Map.of(MailAccess.PROPERTY, Account.SMTP_IMAP));
        assertThatThrownBy(() -> byAccount.login(account(Account.SMTP_IMAP)))
                .hasMessageContaining("No mail access is installed");
    }

    /** The real login with sending answered by a name. */
    private record Answering(AccountLogin real, String name) implements AccountLogin {
        @Override
        public String userId() {
            return real.userId();
        }

        @Override
        public java.util.Optional<MailAccount> account() {
            return real.account();
        }

        @Override
        public String send(MimeMessage message, jakarta.mail.Address[] recipients) {
            return name;
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
        public <S extends jakarta.mail.Store> S openStore(StoreFactory<S> stores, boolean forIdle)
                throws MessagingException {
            return real.openStore(stores, forIdle);
        }

        @Override
        public void worked() {}

        @Override
        public io.talentats.email.mail.Diagnosis failed(io.talentats.email.mail.MailSessions.Protocol protocol,
                Exception error, String serverReply) {
            return real.failed(protocol, error, serverReply);
        }

        @Override
        public void unreachable(String why) {}

        @Override
        public void record(io.talentats.email.api.AccountHealth health) {}

        @Override
        public void forget() {}

        @Override
        public void close() {}
    }
}
