package io.talentats.email.providerapi.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@link MailAccess} through one provider's mail API: a login per user of an account, all of a mailbox's logins
 * going through the one {@link MailboxGate} of that mailbox (the API's per-mailbox limits hold whoever calls).
 */
abstract class ProviderApiAccess implements MailAccess {

    private final ApiFailure.Api api;
    private final MailSessions sessions;
    private final CredentialVault vault;
    /** Where health is recorded; absent while the store is not installed. */
    private volatile AccountStates states;
    private final Clock clock;
    private final int concurrency;
    private final Map<String, MailboxGate> gates = new ConcurrentHashMap<>();

    ProviderApiAccess(ApiFailure.Api api, ProviderApiConfig config, MailSessions sessions, CredentialVault vault,
            AccountStates states, Clock clock) {
        this.api = api;
        this.sessions = sessions;
        this.vault = vault;
        this.states = states;
        this.clock = clock;
        this.concurrency = Math.max(1, config.mailbox_concurrency());
    }

    /** The API's sending verb. */
    abstract ApiLogin.Sender sender();

    /** The API's reading verbs. */
    abstract ApiLogin.Reader reader();

    /** The store's account states came (inherited by each component: {@code -dsannotations-options: inherit}). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeStates")
    final synchronized void addStates(AccountStates s) {
        states = s;
    }

    /** The store's account states went; a newer one bound before stays. */
    final synchronized void removeStates(AccountStates s) {
        if (states == s) {
            states = null;
        }
    }

    static ApiHttp http(ApiFailure.Api api, Supplier<HttpClient> client, ProviderApiConfig config, Clock clock) {
        return new ApiHttp(api, client, clock, Duration.ofSeconds(Math.max(5, config.request_timeout_s())));
    }

    static URI base(String url) {
        URI u = URI.create(url.trim());
        if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme())) {
            throw new IllegalArgumentException("not an HTTP(S) URL: " + url);
        }
        return u;
    }

    @Override
    public AccountLogin login(String userId) {
        return new ApiLogin(userId, null, api, sender(), reader(), gate(userId), sessions, vault, () -> states, clock);
    }

    @Override
    public AccountLogin login(MailAccount account) {
        return new ApiLogin(account.userId(), account, api, sender(), reader(), gate(account.userId()), sessions, vault,
                () -> null, clock);
    }

    private MailboxGate gate(String userId) {
        return gates.computeIfAbsent(userId, u -> new MailboxGate(concurrency));
    }
}
