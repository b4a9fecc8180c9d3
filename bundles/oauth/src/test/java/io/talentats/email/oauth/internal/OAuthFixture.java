package io.talentats.email.oauth.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.talentats.email.api.Secret;
import io.talentats.email.oauth.internal.Clients.Client;
import io.talentats.email.runtime.AccessTokens;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.SecretCipher;
import io.talentats.email.store.OAuthGrants;

/**
 * The token service as the OAuth benchmark runs it outside OSGi: the real {@link TokenService} (renewal, row lock,
 * rotation) with a token endpoint in memory that issues short-lived tokens, rotates refresh tokens and tells the mail
 * server the newest access token. It counts on which thread each refresh ran. A test fixture of this bundle, published
 * as {@code oauth-tests.jar}, so nothing outside the bundle puts a class into its package.
 */
public final class OAuthFixture {

    private OAuthFixture() {}

    /** Refreshes made by the background renewer, and those a sender had to wait for. */
    public static final AtomicInteger RENEWER_REFRESHES = new AtomicInteger();
    public static final AtomicInteger CALLER_REFRESHES = new AtomicInteger();

    /** A token service for {@code userId}, signed in already, whose tokens live {@code life}. */
    public static AccessTokens tokens(OAuthGrants grants, AccountStates states, String userId, Duration life,
            BiConsumer<String, String> onToken) {
        SecretCipher cipher = new SecretCipher() {
            @Override
            public String encrypt(String plainText, String context) {
                return "{aesgcm:bench}" + context + "|" + plainText;
            }

            @Override
            public String decrypt(String cipherText, String context) {
                return cipherText.substring(("{aesgcm:bench}" + context + "|").length());
            }

            @Override
            public boolean isCipherText(Object value) {
                return String.valueOf(value).startsWith("{aesgcm:");
            }

            @Override
            public boolean encryptInConfiguration(String pid, String key) {
                return false; // no configuration in the benchmark
            }
        };
        Client client = new Client("bench", "Bench", "bench-client", Secret.of("bench-secret"), "http://localhost/cb",
                "http://localhost/authorize", "http://localhost/token", null, null, List.of("mail"), Map.of(),
                List.of(), "smtp-imap");
        Map<String, Boolean> live = new ConcurrentHashMap<>();
        AtomicInteger issued = new AtomicInteger();
        TokenEndpoint endpoint = new TokenEndpoint() {
            @Override
            Tokens refresh(Client c, String refreshToken) throws Refused {
                if (live.remove(refreshToken) == null) {
                    throw new Refused("invalid_grant", "retired refresh token");
                }
                (Thread.currentThread().getName().startsWith("talentats-oauth-renew") ? RENEWER_REFRESHES
                        : CALLER_REFRESHES).incrementAndGet();
                int n = issued.incrementAndGet();
                live.put("rt-" + n, true);
                onToken.accept(userId, "at-" + n);
                return new Tokens("at-" + n, "rt-" + n, life, null);
            }
        };
        TokenService service = new TokenService(grants, cipher, p -> Optional.of(client), states, endpoint);
        live.put("rt-0", true);
        onToken.accept(userId, "at-0");
        OAuthGrants.Grant g = grants.putGrant(TokenService.issued(userId, "bench",
                cipher.encrypt("rt-0", TokenService.context(userId, "refresh")),
                cipher.encrypt("at-0", TokenService.context(userId, "access")), java.time.Instant.now(), life, 0));
        service.signedIn(userId, g);
        return service;
    }
}
