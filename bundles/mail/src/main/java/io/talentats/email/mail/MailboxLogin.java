package io.talentats.email.mail;

import java.time.Clock;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.function.Supplier;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What every {@link AccountLogin} does the same whatever the way into the mailbox (SMTP and IMAP, or a provider's
 * HTTP API): the account opened at the moment of use and again when its access token is within
 * {@link MailAccess#TOKEN_SKEW} of its expiry; a refused token handed back once ({@link #handedBack}); failures
 * classified by {@link MailFailures} and what they say of the account recorded as its health, once per incident.
 * An implementation adds the transport: sending, reading, closing.
 */
@ConsumerType
public abstract class MailboxLogin implements AccountLogin {

    private final String userId;
    /** Credentials the caller holds (the platform's), or {@code null} for the user's stored account. */
    private final MailAccount fixed;
    private final CredentialVault vault;
    private final Supplier<AccountStates> states;
    private final Clock clock;

    private MailAccount account;
    /** An access token was refused once and handed back for a refresh; a second refusal is real. */
    private boolean tokenRejected;
    /** This login recorded the account as failing; the next success records it healthy again. */
    private boolean markedUnhealthy;

    protected MailboxLogin(String userId, MailAccount fixed, CredentialVault vault, Supplier<AccountStates> states,
            Clock clock) {
        this.userId = userId;
        this.fixed = fixed;
        this.vault = vault;
        this.states = states;
        this.clock = clock;
    }

    @Override
    public final String userId() {
        return userId;
    }

    @Override
    public final Optional<MailAccount> account() {
        if (fixed != null) {
            return Optional.of(fixed);
        }
        if (account == null || expiring(account)) {
            account = vault.open(userId).orElse(null);
        }
        return Optional.ofNullable(account);
    }

    private boolean expiring(MailAccount a) {
        return a.secretExpiresAt() != null
                && !a.secretExpiresAt().isAfter(clock.instant().plus(MailAccess.TOKEN_SKEW));
    }

    /** The account, which must be there. @throws NoSuchElementException when it was disconnected */
    protected final MailAccount required() {
        return account().orElseThrow(() -> new NoSuchElementException("User " + userId + " has no email account"));
    }

    /** Credentials the caller gave for this login (the platform's), or {@code null}. */
    protected final MailAccount fixed() {
        return fixed;
    }

    protected final CredentialVault vault() {
        return vault;
    }

    /**
     * Whether the access token {@code a} carried was refused and has been handed back for a fresh one (once, until
     * the account works again): then try once more with {@link #required()}.
     */
    protected final boolean handedBack(MailAccount a, Exception e) {
        if (!a.oauth() || fixed != null || tokenRejected || !MailFailures.classify(e, null).loginRefused()) {
            return false;
        }
        tokenRejected = true;
        vault.rejected(userId, a.password());
        account = null;
        return true;
    }

    @Override
    public final void worked() {
        tokenRejected = false;
        if (markedUnhealthy) {
            markedUnhealthy = false;
            recordState(AccountHealth.healthy());
        }
    }

    @Override
    public final Diagnosis failed(Protocol protocol, Exception error, String serverReply) {
        Diagnosis d = MailFailures.classify(error, serverReply);
        if (d.loginRefused()) {
            String reply = d.serverReply() != null ? d.serverReply() : serverReply;
            recordState(new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING, refusedBy(protocol)
                    + " refused the login" + (reply == null ? "" : ": " + reply), clock.instant()));
            markedUnhealthy = true;
            account = null;
        }
        return d;
    }

    /** Who refused a login of {@code protocol}, in words: "the SMTP server", or the API's name. */
    protected String refusedBy(Protocol protocol) {
        return "the " + protocol.name() + " server";
    }

    @Override
    public final void unreachable(String why) {
        if (!markedUnhealthy) {
            markedUnhealthy = true;
            recordState(new AccountHealth(AccountHealth.State.UNREACHABLE, why, clock.instant()));
        }
    }

    @Override
    public final void record(AccountHealth health) {
        markedUnhealthy = false;
        recordState(health);
    }

    private void recordState(AccountHealth health) {
        AccountStates s = states.get();
        if (s != null) {
            s.recordHealth(userId, health);
        }
    }

    @Override
    public final void forget() {
        close();
        account = null;
    }
}
