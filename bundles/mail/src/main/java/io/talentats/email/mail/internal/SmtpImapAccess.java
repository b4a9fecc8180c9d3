package io.talentats.email.mail.internal;

import java.time.Clock;
import java.util.function.Supplier;

import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** {@link MailAccess} over SMTP and IMAP with Jakarta Mail, passwords or XOAUTH2. */
@Component(service = MailAccess.class, property = "mail.access=smtp-imap")
public class SmtpImapAccess implements MailAccess {

    private final MailSessions sessions;
    private final CredentialVault vault;
    private final Supplier<AccountStates> states;
    private final Clock clock;

    /** Where health is recorded; absent while the store is not installed (Test Connection works without it). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccountStates accountStates;

    @Activate
    public SmtpImapAccess(@Reference MailSessions sessions, @Reference CredentialVault vault) {
        this.sessions = sessions;
        this.vault = vault;
        this.states = () -> accountStates;
        this.clock = Clock.systemUTC();
    }

    /** Outside a framework (tests, benchmarks): with the states given. */
    public SmtpImapAccess(MailSessions sessions, CredentialVault vault, AccountStates states, Clock clock) {
        this.sessions = sessions;
        this.vault = vault;
        this.states = () -> states;
        this.clock = clock;
    }

    @Override
    public AccountLogin login(String userId) {
        return new SmtpImapLogin(userId, null, sessions, vault, states, clock);
    }

    @Override
    public AccountLogin login(MailAccount account) {
        return new SmtpImapLogin(account.userId(), account, sessions, vault, () -> null, clock);
    }
}
