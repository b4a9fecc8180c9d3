package io.talentats.email.oauth.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Secret;
import io.talentats.email.oauth.internal.Clients.Client;
import io.talentats.email.runtime.AccessTokens;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialUnavailableException;
import io.talentats.email.runtime.SecretCipher;
import io.talentats.email.runtime.TlsTrust;
import io.talentats.email.support.Threads;
import io.talentats.email.store.OAuthGrants;
import io.talentats.email.store.OAuthGrants.Grant;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps OAuth accounts' access tokens fresh. A token in use is refreshed in the background when a quarter of its
 * life is left (at most a minute before it expires), so a sender or watcher asking for it gets a valid one from
 * memory; only an expired token is refreshed on the caller's thread. A refresh locks the grant's row in the
 * store, so one node at a time refreshes an account, and stores a rotated refresh token in the same commit.
 * {@code invalid_grant} makes the account {@code NEEDS_REAUTHORIZATION} until the next sign-in. Disconnecting an
 * account revokes its grant at the provider (where it can) and removes it.
 */
@Component(service = {AccessTokens.class, EventHandler.class, TokenService.class},
        property = {
            EventConstants.EVENT_TOPIC + "=" + EmailEvents.ACCOUNT_SAVED,
            EventConstants.EVENT_TOPIC + "=" + EmailEvents.ACCOUNT_DISCONNECTED
        })
public class TokenService implements AccessTokens, EventHandler {

    private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
    /** Most time before expiry at which a token is renewed. */
    static final Duration MAX_AHEAD = Duration.ofMinutes(1);
    /**
     * Below this much life left (or half the renewal lead, if less) a token is not handed out any more: it is
     * refreshed on the caller's thread.
     */
    static final Duration LAST_MOMENT = Duration.ofSeconds(2);
    /** A token not asked for in this long is not renewed in the background (an idle account's grant rests). */
    static final Duration IDLE = Duration.ofMinutes(15);

    private final OAuthGrants grants;
    private final SecretCipher cipher;
    private final ClientLookup clients;
    private final AccountStates states;
    private final TokenEndpoint endpoint;
    private final Clock clock = Clock.systemUTC();
    private final ScheduledExecutorService renewer;

    /** What this node holds for an account: the decrypted token and when to renew it. */
    private record Held(Secret token, Instant expiresAt, Instant renewAt, long version, long lastAsked,
            ScheduledFuture<?> renewal) {}

    /** A grant the provider refused, by version: no more refreshes until a new sign-in stores a new version. */
    private final Map<String, Long> broken = new ConcurrentHashMap<>();
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Set<String> forced = ConcurrentHashMap.newKeySet();

    @Activate
    public TokenService(@Reference OAuthGrants grants, @Reference SecretCipher cipher, @Reference Clients clients,
            @Reference AccountStates states) {
        this(grants, cipher, clients, states, null);
    }

    /** The operator's TLS trust (trusted.certificates) for the token and revocation endpoints; else the JVM's. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TlsTrust trust;

    /** The TLS context to call the providers with now. */
    javax.net.ssl.SSLContext tls() {
        TlsTrust t = trust;
        return t == null ? null : t.context();
    }

    TokenService(OAuthGrants grants, SecretCipher cipher, ClientLookup clients, AccountStates states,
            TokenEndpoint endpoint) {
        this.grants = grants;
        this.cipher = cipher;
        this.clients = clients;
        this.states = states;
        // null: the providers' endpoints called with the operator's trust (the tests give their own endpoint)
        this.endpoint = endpoint != null ? endpoint : new TokenEndpoint(this::tls);
        this.renewer = Executors.newSingleThreadScheduledExecutor(Threads.daemon("talentats-oauth-renew", null));
    }

    @Deactivate
    void deactivate() {
        renewer.shutdownNow();
    }

    static String context(String userId, String field) {
        return "io.talentats.email.oauth.grant/" + userId + "/" + field;
    }

    @Override
    public boolean hasGrant(String userId, String provider) {
        return grants.grant(userId).map(g -> g.provider().equals(provider)).orElse(false);
    }

    @Override
    public Token current(String userId, String provider) {
        Held h = held.get(userId);
        Instant now = clock.instant();
        if (h != null && !forced.contains(userId) && now.isBefore(lastMoment(h))) {
            held.computeIfPresent(userId, (k, v) -> v == h ? withAsked(v) : v);
            return new Token(h.token(), h.expiresAt());
        }
        return renew(userId, provider, false);
    }

    @Override
    public void rejected(String userId, Secret token) {
        Held h = held.get(userId);
        if (h != null && java.security.MessageDigest.isEqual(h.token().reveal().getBytes(StandardCharsets.UTF_8),
                token.reveal().getBytes(StandardCharsets.UTF_8))) {
            forced.add(userId);
        }
    }

    /**
     * Gets a token that need not be renewed yet, refreshing under the grant's row lock if the stored one must be.
     *
     * @param background whether this is the renewer (which refreshes ahead; a caller only refreshes a token that is
     *     about to expire)
     */
    private Token renew(String userId, String provider, boolean background) {
        synchronized (locks.computeIfAbsent(userId, k -> new Object())) {
            Held h = held.get(userId);
            Instant now = clock.instant();
            boolean force = forced.contains(userId);
            if (h != null && !force && (background ? now.isBefore(h.renewAt()) : now.isBefore(lastMoment(h)))) {
                return new Token(h.token(), h.expiresAt());
            }
            Optional<Grant> before = grants.grant(userId);
            if (before.isEmpty()) {
                throw new CredentialUnavailableException("no OAuth sign-in is stored for user " + userId
                        + ": sign in again in Email Connection Settings", true);
            }
            Long brokenVersion = broken.get(userId);
            if (brokenVersion != null && brokenVersion == before.get().version()) {
                throw new CredentialUnavailableException("the " + before.get().provider() + " sign-in was revoked "
                        + "or has expired: sign in again in Email Connection Settings", true);
            }
            Client client = clients.find(before.get().provider()).orElseThrow(() -> new CredentialUnavailableException(
                    "no OAuth client is configured for provider " + before.get().provider() + " ("
                            + OAuthClientConfig.FACTORY_PID + ")", false));
            Grant after;
            try {
                after = grants.refresh(userId, current -> {
                    Instant renewAt = renewAt(current);
                    boolean stillGood = current.accessToken() != null && current.accessExpiresAt() != null
                            && now.isBefore(background || force ? renewAt
                                    : lastMoment(current.accessExpiresAt(), renewAt));
                    if (stillGood && !(force && h != null && current.version() == h.version())) {
                        return current; // another node (or an earlier call) renewed it meanwhile
                    }
                    if (current.refreshToken() == null) {
                        throw new TokenEndpoint.Refused("invalid_grant", "the provider gave no refresh token");
                    }
                    TokenEndpoint.Tokens t = endpoint.refresh(client,
                            cipher.decrypt(current.refreshToken(), context(userId, "refresh")));
                    // A rotated refresh token replaces the old one in this commit; else the old one stays.
                    String refresh = t.refreshToken() != null
                            ? cipher.encrypt(t.refreshToken(), context(userId, "refresh")) : current.refreshToken();
                    return issued(userId, current.provider(), refresh,
                            cipher.encrypt(t.accessToken(), context(userId, "access")), now, t.expiresIn(),
                            current.version());
                }).orElseThrow(() -> new CredentialUnavailableException("the OAuth sign-in of user " + userId
                        + " was removed", true));
            } catch (TokenEndpoint.Refused e) {
                if (e.grantBroken()) {
                    grantBroken(userId, before.get(), e.getMessage());
                    throw new CredentialUnavailableException("the " + before.get().provider() + " sign-in was "
                            + "refused (" + e.getMessage() + "): sign in again in Email Connection Settings", true);
                }
                throw new CredentialUnavailableException("the " + before.get().provider() + " token endpoint "
                        + "refused the refresh: " + e.getMessage(), false);
            } catch (IOException e) {
                throw new CredentialUnavailableException("the " + before.get().provider() + " token endpoint cannot "
                        + "be reached: " + e.getMessage(), false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CredentialUnavailableException("interrupted while refreshing the access token", false);
            } catch (CredentialUnavailableException e) {
                throw e;
            } catch (Exception e) {
                throw new CredentialUnavailableException("cannot refresh the access token of user " + userId + ": "
                        + e.getMessage(), false);
            }
            forced.remove(userId);
            return hold(userId, after, h == null ? System.nanoTime() : h.lastAsked());
        }
    }

    /** Keeps the grant's token in memory and schedules its renewal. */
    private Token hold(String userId, Grant g, long lastAsked) {
        Secret token = Secret.of(cipher.decrypt(g.accessToken(), context(userId, "access")));
        Instant renewAt = renewAt(g);
        // A little after renewAt: a timer that fired a moment early would find nothing due.
        long delay = Math.max(0, Duration.between(clock.instant(), renewAt).toMillis()) + 50;
        ScheduledFuture<?> renewal = renewer.isShutdown() ? null
                : renewer.schedule(() -> renewInBackground(userId, g.provider()), delay, TimeUnit.MILLISECONDS);
        Held previous = held.put(userId, new Held(token, g.accessExpiresAt(), renewAt, g.version(), lastAsked,
                renewal));
        if (previous != null && previous.renewal() != null && previous.renewal() != renewal) {
            previous.renewal().cancel(false);
        }
        return new Token(token, g.accessExpiresAt());
    }

    private void renewInBackground(String userId, String provider) {
        Held h = held.get(userId);
        if (h == null) {
            return;
        }
        if (System.nanoTime() - h.lastAsked() > IDLE.toNanos()) {
            held.remove(userId, h); // nobody used it lately: the next caller refreshes when it needs to
            return;
        }
        try {
            renew(userId, provider, true);
            Held now = held.get(userId);
            if (now != null && now.renewal() == h.renewal() && !renewer.isShutdown()) {
                // Not renewed (not due yet after all): look again, so a token in use never waits for its expiry.
                long delay = Math.max(1000, Duration.between(clock.instant(), now.renewAt()).toMillis() + 50);
                ScheduledFuture<?> again = renewer.schedule(() -> renewInBackground(userId, provider), delay,
                        TimeUnit.MILLISECONDS);
                held.computeIfPresent(userId, (k, v) -> v == now ? new Held(v.token(), v.expiresAt(), v.renewAt(),
                        v.version(), v.lastAsked(), again) : v);
            }
        } catch (CredentialUnavailableException e) {
            LOG.warn("Renewing the access token of user {} failed: {}", userId, e.getMessage());
            if (!e.needsSignIn() && !renewer.isShutdown()) {
                renewer.schedule(() -> renewInBackground(userId, provider), 30, TimeUnit.SECONDS);
            }
        } catch (RuntimeException e) {
            LOG.warn("Renewing the access token of user {} failed", userId, e);
        }
    }

    /** When the grant's token is to be renewed; now when that is not known. */
    private Instant renewAt(Grant g) {
        return g.accessRenewAt() != null ? g.accessRenewAt()
                : g.accessExpiresAt() != null ? g.accessExpiresAt().minus(LAST_MOMENT) : clock.instant();
    }

    /**
     * A grant with a token issued at {@code now} for {@code life}: renewed when a quarter of its life is left, at most
     * {@link #MAX_AHEAD} before it expires.
     */
    static Grant issued(String userId, String provider, String refresh, String access, Instant now, Duration life,
            long version) {
        Duration ahead = life.dividedBy(4);
        if (ahead.compareTo(MAX_AHEAD) > 0) {
            ahead = MAX_AHEAD;
        }
        Instant expires = now.plus(life);
        return new Grant(userId, provider, refresh, access, expires, expires.minus(ahead), version);
    }

    /**
     * Until when a held token is handed out without a refresh on the caller's thread: shortly before it expires,
     * and always after the background renewal was due, so that renewal normally comes first.
     */
    private static Instant lastMoment(Held h) {
        return lastMoment(h.expiresAt(), h.renewAt());
    }

    private static Instant lastMoment(Instant expiresAt, Instant renewAt) {
        Duration lead = Duration.between(renewAt, expiresAt).dividedBy(2);
        return expiresAt.minus(lead.compareTo(LAST_MOMENT) < 0 ? lead : LAST_MOMENT);
    }

    private static Held withAsked(Held h) {
        return new Held(h.token(), h.expiresAt(), h.renewAt(), h.version(), System.nanoTime(), h.renewal());
    }

    private void grantBroken(String userId, Grant g, String why) {
        broken.put(userId, g.version());
        forget(userId);
        LOG.warn("The {} sign-in of user {} was refused ({}); the account needs a new sign-in", g.provider(), userId,
                why);
        states.recordHealth(userId, new AccountHealth(AccountHealth.State.NEEDS_REAUTHORIZATION, "the "
                + g.provider() + " sign-in was revoked or has expired (" + why + "): sign in again", clock.instant()));
    }

    /** A sign-in stored a new grant: forget what this node held, and the account is healthy again. */
    void signedIn(String userId, Grant g) {
        broken.remove(userId);
        forced.remove(userId);
        forget(userId);
        if (states.get(userId).health().state() == AccountHealth.State.NEEDS_REAUTHORIZATION) {
            states.recordHealth(userId, AccountHealth.healthy());
        }
        synchronized (locks.computeIfAbsent(userId, k -> new Object())) {
            hold(userId, g, System.nanoTime());
        }
    }

    private void forget(String userId) {
        Held h = held.remove(userId);
        if (h != null && h.renewal() != null) {
            h.renewal().cancel(false);
        }
    }

    @Override
    public void handleEvent(Event event) {
        Object user = event.getProperty(EmailEvents.USER_ID);
        if (user == null) {
            return;
        }
        String userId = user.toString();
        if (EmailEvents.ACCOUNT_SAVED.equals(event.getTopic())) {
            // Saved with a password now: the old sign-in is of no use any more. The event says so itself: this
            // service does not look the account up, since the settings service holds this one (for the vault) and
            // a reference back would be a cycle (SCR breaks it with a framework error, leaving one side unbound).
            if (!Boolean.FALSE.equals(event.getProperty(EmailEvents.OAUTH))) {
                return;
            }
        }
        revokeAndRemove(userId);
    }

    /** Revokes the grant at the provider where it can (Google) and removes every token of the user. */
    void revokeAndRemove(String userId) {
        Optional<Grant> g = grants.grant(userId);
        if (g.isEmpty()) {
            return;
        }
        forget(userId);
        broken.remove(userId);
        revoke(g.get());
        grants.deleteGrant(userId);
        LOG.info("Removed the OAuth tokens of user {}", userId);
    }

    /**
     * A new sign-in replaced {@code replaced}: revokes it at the provider (RFC 7009) as a disconnect does, so the
     * tokens it gave stop working everywhere; the new grant is already in its place.
     */
    void revokeReplaced(Grant replaced) {
        revoke(replaced);
    }

    /** Revokes the grant's refresh token (or its access token) at the provider where it can. */
    private void revoke(Grant g) {
        String userId = g.userId();
        Optional<Client> client = clients.find(g.provider());
        if (client.isEmpty() || client.get().revocationUrl() == null) {
            return;
        }
        String token = g.refreshToken() != null ? g.refreshToken() : g.accessToken();
        try {
            boolean done = endpoint.revoke(client.get(), cipher.decrypt(token, context(userId,
                    g.refreshToken() != null ? "refresh" : "access")));
            LOG.info("Revoked the {} sign-in of user {} at the provider: {}", g.provider(), userId,
                    done ? "confirmed" : "not confirmed");
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not revoke the {} sign-in of user {} at the provider ({}); its tokens are removed "
                    + "here", g.provider(), userId, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
