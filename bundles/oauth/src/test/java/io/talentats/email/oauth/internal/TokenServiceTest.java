package io.talentats.email.oauth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Verification;
import io.talentats.email.oauth.internal.Clients.Client;
import io.talentats.email.runtime.AccessTokens.Token;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialUnavailableException;
import io.talentats.email.runtime.SecretCipher;
import io.talentats.email.store.OAuthGrants;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** The token service against an in-memory grant store and a scripted token endpoint. */
class TokenServiceTest {

    private static final Client CLIENT = new Client("microsoft", "Sign in", "id", Secret.of("secret"),
            "https://ats.test/cb", "https://login.test/authorize", "https://login.test/token", null, null,
            List.of("openid"), Map.of(), List.of(), "smtp-imap");

    /** Encrypts by wrapping, bound to the context, like the real cipher's contract. */
    static final class WrapCipher implements SecretCipher {
        @Override
        public boolean encryptInConfiguration(String pid, String key) {
            throw new AssertionError("no configuration here");
        }

        @Override
        public String encrypt(String plainText, String context) {
            return "{aesgcm:k1}" + context + "|" + plainText;
        }

        @Override
        public String decrypt(String cipherText, String context) {
            String prefix = "{aesgcm:k1}" + context + "|";
            if (!cipherText.startsWith(prefix)) {
                throw new IllegalStateException("wrong context");
            }
            return cipherText.substring(prefix.length());
        }

        @Override
        public boolean isCipherText(Object value) {
            return value instanceof String s && s.startsWith("{aesgcm:");
        }
    }

    /** One row per user; {@code refresh} holds a per-user lock as SELECT … FOR UPDATE would. */
    static final class MemoryGrants implements OAuthGrants {
        final Map<String, Grant> rows = new ConcurrentHashMap<>();

        @Override
        public Optional<Grant> grant(String userId) {
            return Optional.ofNullable(rows.get(userId));
        }

        @Override
        public List<Grant> grants() {
            return new ArrayList<>(rows.values());
        }

        @Override
        public Grant putGrant(Grant g) {
            Grant stored = new Grant(g.userId(), g.provider(), g.refreshToken(), g.accessToken(), g.accessExpiresAt(),
                    g.accessRenewAt(), rows.containsKey(g.userId()) ? rows.get(g.userId()).version() + 1 : 1);
            rows.put(g.userId(), stored);
            return stored;
        }

        @Override
        public synchronized Optional<Grant> refresh(String userId, Refresh refresh) throws Exception {
            Grant current = rows.get(userId);
            if (current == null) {
                return Optional.empty();
            }
            Grant next = refresh.apply(current);
            if (next == current) {
                return Optional.of(current);
            }
            Grant stored = new Grant(userId, current.provider(), next.refreshToken(), next.accessToken(),
                    next.accessExpiresAt(), next.accessRenewAt(), current.version() + 1);
            rows.put(userId, stored);
            return Optional.of(stored);
        }

        @Override
        public boolean reencrypted(String userId, long version, String refreshToken, String accessToken) {
            return false;
        }

        @Override
        public boolean deleteGrant(String userId) {
            return rows.remove(userId) != null;
        }

        @Override
        public void putFlow(Flow flow) {}

        @Override
        public Optional<Flow> takeFlow(String state) {
            return Optional.empty();
        }

        @Override
        public int purgeFlows(Instant now) {
            return 0;
        }
    }

    static final class States implements AccountStates {
        final Map<String, AccountHealth> health = new ConcurrentHashMap<>();

        @Override
        public AccountState get(String userId) {
            return new AccountState(userId, null, health.get(userId));
        }

        @Override
        public Map<String, AccountState> all() {
            return Map.of();
        }

        @Override
        public void recordVerification(String userId, Verification verification) {}

        @Override
        public boolean recordHealth(String userId, AccountHealth h) {
            return !h.equals(health.put(userId, h));
        }

        @Override
        public void forget(String userId) {}

        @Override
        public void recordPassedTest(String userId, PassedTest test) {}

        @Override
        public java.util.Optional<PassedTest> passedTest(String userId) {
            return java.util.Optional.empty();
        }

        @Override
        public void forgetPassedTest(String userId) {}
    }

    /** Rotates the refresh token on every use and refuses a retired one, as Microsoft does. */
    static class RotatingEndpoint extends TokenEndpoint {
        final AtomicInteger calls = new AtomicInteger();
        final Map<String, Boolean> live = new ConcurrentHashMap<>();
        volatile Duration life = Duration.ofMinutes(60);
        volatile boolean revoked;
        volatile long delayMillis;

        RotatingEndpoint(String firstRefresh) {
            live.put(firstRefresh, true);
        }

        @Override
        Tokens refresh(Client c, String refreshToken) throws Refused, InterruptedException {
            calls.incrementAndGet();
            Thread.sleep(delayMillis);
            if (revoked || live.remove(refreshToken) == null) {
                throw new Refused("invalid_grant", "AADSTS70000");
            }
            int n = calls.get();
            live.put("rt-" + n, true);
            return new Tokens("at-" + n, "rt-" + n, life, null);
        }
    }

    private final WrapCipher cipher = new WrapCipher();
    private final MemoryGrants grants = new MemoryGrants();
    private final States states = new States();
    private TokenService service;

    private TokenService service(RotatingEndpoint endpoint) {
        service = new TokenService(grants, cipher, p -> Optional.of(CLIENT), states, endpoint);
        return service;
    }

    @AfterEach
    void stop() {
        if (service != null) {
            service.deactivate();
        }
    }

    private void signedIn(String user, Instant now, Duration life) {
        OAuthGrants.Grant g = grants.putGrant(TokenService.issued(user, "microsoft",
                cipher.encrypt("rt-0", TokenService.context(user, "refresh")),
                cipher.encrypt("at-0", TokenService.context(user, "access")), now, life, 0));
        service.signedIn(user, g);
    }

    @Test
    void aSaveWithAPasswordRemovesTheGrantAndOtherSavesKeepIt() {
        service(new RotatingEndpoint("rt-0"));
        signedIn("u9", Instant.now(), Duration.ofHours(1));
        // Saved as an OAuth account again (a new login name, say), or by a publisher that does not say: kept
        service.handleEvent(new Event(EmailEvents.ACCOUNT_SAVED, Map.of(EmailEvents.USER_ID, "u9",
                EmailEvents.OAUTH, true)));
        service.handleEvent(new Event(EmailEvents.ACCOUNT_SAVED, Map.of(EmailEvents.USER_ID, "u9")));
        assertThat(grants.grant("u9")).isPresent();
        // Saved with a password: the sign-in is of no use any more
        service.handleEvent(new Event(EmailEvents.ACCOUNT_SAVED, Map.of(EmailEvents.USER_ID, "u9",
                EmailEvents.OAUTH, false)));
        assertThat(grants.grant("u9")).isEmpty();

        signedIn("u8", Instant.now(), Duration.ofHours(1));
        service.handleEvent(new Event(EmailEvents.ACCOUNT_DISCONNECTED, Map.of(EmailEvents.USER_ID, "u8")));
        assertThat(grants.grant("u8")).isEmpty();
    }

    @Test
    void callersAtExpiryShareOneRefreshAndEachRotatedRefreshTokenIsKept() throws Exception {
        RotatingEndpoint endpoint = new RotatingEndpoint("rt-0");
        endpoint.delayMillis = 200;
        service(endpoint);
        signedIn("u1", Instant.now().minusSeconds(3600), Duration.ofSeconds(1)); // expired already
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Token>> results = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return service.current("u1", "microsoft");
            }));
        }
        go.countDown();
        for (Future<Token> f : results) {
            assertThat(f.get(10, TimeUnit.SECONDS).value().reveal()).isEqualTo("at-1");
        }
        pool.shutdown();
        assertThat(endpoint.calls).hasValue(1);
        assertThat(grants.rows.get("u1").refreshToken()).endsWith("|rt-1");

        // The next refresh works only with the rotated refresh token that was stored.
        service.rejected("u1", Secret.of("at-1"));
        assertThat(service.current("u1", "microsoft").value().reveal()).isEqualTo("at-2");
        assertThat(endpoint.calls).hasValue(2);
        assertThat(grants.rows.get("u1").version()).isEqualTo(3);
    }

    @Test
    void aValidTokenIsAnsweredFromMemoryAndRenewedAheadOfItsExpiry() throws Exception {
        RotatingEndpoint endpoint = new RotatingEndpoint("rt-0");
        endpoint.life = Duration.ofSeconds(4);
        service(endpoint);
        Instant issued = Instant.now();
        signedIn("u2", issued, Duration.ofSeconds(4));
        assertThat(service.current("u2", "microsoft").value().reveal()).isEqualTo("at-0");
        assertThat(endpoint.calls).hasValue(0);
        // A quarter of the life before expiry the renewer refreshes; callers keep getting a valid token and see
        // the new one before the old one expires, without refreshing themselves.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Token t = service.current("u2", "microsoft");
        while (!t.value().reveal().equals("at-1") && System.nanoTime() < deadline) {
            assertThat(t.expiresAt()).isAfter(Instant.now());
            Thread.sleep(50);
            t = service.current("u2", "microsoft");
        }
        assertThat(t.value().reveal()).isEqualTo("at-1");
        assertThat(Instant.now()).as("renewed before the first token expired").isBefore(issued.plusSeconds(4));
        assertThat(endpoint.calls).hasValue(1);
    }

    @Test
    void aRefusedGrantNeedsASignInAndIsNotAskedAgain() throws Exception {
        RotatingEndpoint endpoint = new RotatingEndpoint("rt-0");
        endpoint.revoked = true;
        service(endpoint);
        signedIn("u3", Instant.now().minusSeconds(3600), Duration.ofSeconds(1));
        assertThatThrownBy(() -> service.current("u3", "microsoft"))
                .isInstanceOf(CredentialUnavailableException.class)
                .matches(e -> ((CredentialUnavailableException) e).needsSignIn())
                .hasMessageContaining("sign in again")
                .hasMessageNotContaining("rt-0");
        assertThat(states.health.get("u3").state()).isEqualTo(AccountHealth.State.NEEDS_REAUTHORIZATION);
        assertThatThrownBy(() -> service.current("u3", "microsoft")).isInstanceOf(
                CredentialUnavailableException.class);
        assertThat(endpoint.calls).hasValue(1);

        // A new sign-in: healthy again, and the new grant is used.
        signedIn("u3", Instant.now(), Duration.ofMinutes(60));
        assertThat(states.health.get("u3").isHealthy()).isTrue();
        assertThat(service.current("u3", "microsoft").value().reveal()).isEqualTo("at-0");
    }

    @Test
    void anUnreachableTokenEndpointIsATemporaryProblem() {
        RotatingEndpoint endpoint = new RotatingEndpoint("rt-0") {
            @Override
            Tokens refresh(Client c, String refreshToken) throws Refused {
                calls.incrementAndGet();
                throw new Refused("temporarily_unavailable", "try later");
            }
        };
        service(endpoint);
        signedIn("u4", Instant.now().minusSeconds(3600), Duration.ofSeconds(1));
        assertThatThrownBy(() -> service.current("u4", "microsoft"))
                .isInstanceOf(CredentialUnavailableException.class)
                .matches(e -> !((CredentialUnavailableException) e).needsSignIn());
        assertThat(states.health.get("u4")).isNull();
    }
}
