package io.talentats.email.oauth.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.OAuthSignIns;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.oauth.internal.Clients.Client;
import io.talentats.email.runtime.SecretCipher;
import io.talentats.email.store.OAuthGrants;
import io.talentats.email.store.OAuthGrants.Flow;
import io.talentats.email.store.OAuthGrants.Grant;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser sign-in (authorization code with PKCE S256, {@code state} and {@code nonce}) and device code sign-in.
 * A browser flow is kept in the store for {@link #FLOW_LIFETIME}, used once and bound to the caller who started
 * it, so the callback may reach any node. The address comes from the ID token the token endpoint returns over TLS
 * (OpenID Connect Core 3.1.3.7: TLS server validation stands in for the signature check there); its audience and
 * nonce are checked.
 */
@Component(service = OAuthSignIns.class)
public class SignIns implements OAuthSignIns {

    private static final Logger LOG = LoggerFactory.getLogger(SignIns.class);
    static final Duration FLOW_LIFETIME = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clients clients;
    private final OAuthGrants grants;
    private final SecretCipher cipher;
    private final AccountSettingsService settings;
    private final TokenService tokens;
    private final TokenEndpoint endpoint;
    private final Clock clock = Clock.systemUTC();
    /** Device codes under way on this node, by handle (the shell waits on the node it started on). */
    private final Map<String, DeviceState> devices = new ConcurrentHashMap<>();

    private record DeviceState(String deviceCode, Client client, Instant expiresAt) {}

    @Activate
    public SignIns(@Reference Clients clients, @Reference OAuthGrants grants, @Reference SecretCipher cipher,
            @Reference AccountSettingsService settings, @Reference TokenService tokens) {
        this(clients, grants, cipher, settings, tokens, new TokenEndpoint(tokens::tls));
    }

    SignIns(Clients clients, OAuthGrants grants, SecretCipher cipher, AccountSettingsService settings,
            TokenService tokens, TokenEndpoint endpoint) {
        this.clients = clients;
        this.grants = grants;
        this.cipher = cipher;
        this.settings = settings;
        this.tokens = tokens;
        this.endpoint = endpoint;
    }

    @Override
    public List<Option> options() {
        return clients.all().stream().map(c -> new Option(c.provider(), c.displayName(),
                c.presets().stream().map(ProviderPreset::id).toList(), c.deviceAuthorizationUrl() != null,
                c.defaultAccess(), c.switchTo().orElse(null))).toList();
    }

    @Override
    public URI start(String userId, String provider, String presetId, String loginHint, String startedBy,
            String mailAccess) {
        if (userId == null || !userId.matches("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}")) {
            throw new IllegalArgumentException("User id must be 1 to 128 letters, digits or . _ @ + -");
        }
        Client c = client(provider);
        if (presetId != null && c.presets().stream().noneMatch(p -> p.id().equals(presetId))) {
            throw new IllegalArgumentException("Preset " + presetId + " does not sign in with " + provider);
        }
        String access = c.access(mailAccess);
        grants.purgeFlows(clock.instant());
        String state = random(32);
        String verifier = random(32);
        String nonce = random(16);
        grants.putFlow(new Flow(state, userId, c.provider(), presetId, cipher.encrypt(verifier, flowContext(state)),
                nonce, startedBy == null ? "" : startedBy, clock.instant().plus(FLOW_LIFETIME), access));
        Map<String, String> q = new LinkedHashMap<>();
        q.put("response_type", "code");
        q.put("client_id", c.clientId());
        q.put("redirect_uri", c.redirectUri());
        q.put("scope", String.join(" ", c.scopesFor(access)));
        q.put("state", state);
        q.put("nonce", nonce);
        q.put("code_challenge", challenge(verifier));
        q.put("code_challenge_method", "S256");
        if (loginHint != null && !loginHint.isBlank()) {
            q.put("login_hint", loginHint.trim());
        }
        q.putAll(c.authorizationParameters());
        String base = c.authorizationUrl();
        LOG.info("OAuth sign-in with {} ({}) started for user {} by {}", c.provider(), access, userId, startedBy);
        return URI.create(base + (base.contains("?") ? "&" : "?") + TokenEndpoint.form(q));
    }

    @Override
    public Completion complete(String state, String code, String caller) throws OAuthException {
        if (state == null || state.isBlank()) {
            throw new OAuthException("The sign-in answer has no state: start the sign-in again from Email Connection "
                    + "Settings");
        }
        Flow f = grants.takeFlow(state).orElseThrow(() -> new OAuthException("This sign-in is unknown or was "
                + "already used: start it again from Email Connection Settings"));
        if (f.expiresAt().isBefore(clock.instant())) {
            throw new OAuthException("This sign-in took longer than " + FLOW_LIFETIME.toMinutes() + " minutes: "
                    + "start it again");
        }
        if (!f.startedBy().equals(caller == null ? "" : caller)) {
            LOG.warn("OAuth callback for user {} started by {} arrived from {}: refused", f.userId(), f.startedBy(),
                    caller);
            throw new OAuthException("This sign-in was started by someone else: start it again yourself");
        }
        if (code == null || code.isBlank()) {
            throw new OAuthException("The provider sent no authorization code: start the sign-in again");
        }
        Client c = client(f.provider());
        TokenEndpoint.Tokens t;
        try {
            t = endpoint.exchangeCode(c, code, cipher.decrypt(f.verifier(), flowContext(state)));
        } catch (TokenEndpoint.Refused e) {
            throw new OAuthException("The " + c.provider() + " token endpoint refused the sign-in: " + e.getMessage());
        } catch (IOException e) {
            throw new OAuthException("The " + c.provider() + " token endpoint cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException("Interrupted");
        }
        Account account = save(f.userId(), c, f.presetId(), t, f.nonce(),
                f.mailAccess() != null ? f.mailAccess() : c.defaultAccess());
        return new Completion(f.userId(), account);
    }

    @Override
    public DeviceCode startDevice(String userId, String provider) throws OAuthException {
        Client c = client(provider);
        if (c.deviceAuthorizationUrl() == null) {
            throw new OAuthException(c.provider() + " does not offer sign-in with a device code: use the page");
        }
        try {
            TokenEndpoint.DeviceAuthorization d = endpoint.authorizeDevice(c);
            String handle = random(16);
            devices.put(handle, new DeviceState(d.deviceCode(), c, clock.instant().plus(d.expiresIn())));
            return new DeviceCode(userId, c.provider(), d.userCode(), URI.create(d.verificationUri()), d.expiresIn(),
                    d.interval(), handle);
        } catch (TokenEndpoint.Refused e) {
            throw new OAuthException("The " + c.provider() + " device authorization was refused: " + e.getMessage());
        } catch (IOException e) {
            throw new OAuthException("The " + c.provider() + " device endpoint cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OAuthException("Interrupted");
        }
    }

    @Override
    public Account awaitDevice(DeviceCode code) throws OAuthException, InterruptedException {
        DeviceState d = devices.get(code.handle());
        if (d == null) {
            throw new OAuthException("This device code is unknown here: start again");
        }
        try {
            Duration interval = code.interval();
            while (clock.instant().isBefore(d.expiresAt())) {
                Thread.sleep(interval.toMillis()); // RFC 8628 3.5: the provider's polling interval
                try {
                    TokenEndpoint.Tokens t = endpoint.pollDevice(d.client(), d.deviceCode());
                    return save(code.userId(), d.client(), null, t, null, d.client().defaultAccess());
                } catch (TokenEndpoint.Refused e) {
                    switch (e.error) {
                        case "authorization_pending" -> { }
                        case "slow_down" -> interval = interval.plusSeconds(5);
                        case "access_denied" -> throw new OAuthException("The sign-in was declined");
                        case "expired_token" -> throw new OAuthException("The code expired: start again");
                        default -> throw new OAuthException("The sign-in failed: " + e.getMessage());
                    }
                } catch (IOException e) {
                    LOG.info("Device code poll for user {} failed, trying again: {}", code.userId(), e.toString());
                }
            }
            throw new OAuthException("The code expired before the sign-in was approved: start again");
        } finally {
            devices.remove(code.handle());
        }
    }

    /** Keeps the tokens, then saves the account with the provider's servers for the ID token's address. */
    private Account save(String userId, Client c, String presetId, TokenEndpoint.Tokens t, String nonce,
            String access) throws OAuthException {
        String address = address(c, t, nonce);
        ProviderPreset preset = preset(c, presetId, address);
        Optional<Grant> replaced = grants.grant(userId);
        Grant g = grants.putGrant(TokenService.issued(userId, c.provider(),
                t.refreshToken() == null ? null : cipher.encrypt(t.refreshToken(), TokenService.context(userId,
                        "refresh")),
                cipher.encrypt(t.accessToken(), TokenService.context(userId, "access")), clock.instant(),
                t.expiresIn(), 0));
        tokens.signedIn(userId, g);
        Optional<Account> before = settings.get(userId);
        AccountDraft draft = AccountDraft.builder()
                .emailAddress(address)
                .username(address)
                .displayName(before.map(Account::displayName).orElse(null))
                .smtp(preset.smtp())
                .imap(preset.imap())
                .presetId(preset.id())
                .saveSentCopy(before.map(Account::saveSentCopy).orElse(null))
                .enabled(before.map(Account::enabled).orElse(true))
                .oauthProvider(c.provider())
                .mailAccess(access)
                .build();
        try {
            Account saved = settings.save(userId, draft);
            LOG.info("User {} signed in with {} (mail access {})", userId, c.provider(), saved.mailAccess());
            // The grant this sign-in replaced would otherwise stay valid at the provider, unused and unrevocable
            replaced.ifPresent(tokens::revokeReplaced);
            return saved;
        } catch (InvalidSettingsException e) {
            grants.deleteGrant(userId);
            throw new OAuthException("The account could not be saved: " + e.getMessage());
        }
    }

    private static String address(Client c, TokenEndpoint.Tokens t, String nonce) throws OAuthException {
        if (t.idToken() == null) {
            throw new OAuthException("The " + c.provider() + " sign-in gave no ID token: the client must ask for the "
                    + "openid and email scopes");
        }
        com.nimbusds.jwt.JWTClaimsSet claims;
        try {
            claims = TokenEndpoint.claims(t.idToken());
        } catch (IllegalArgumentException e) {
            throw new OAuthException("The " + c.provider() + " ID token cannot be read: " + e.getMessage());
        }
        // aud is one value or a list (OpenID Connect Core 2): our client must be among them
        if (claims.getClaim("aud") != null && !claims.getAudience().contains(c.clientId())) {
            throw new OAuthException("The ID token was issued to another application (audience "
                    + String.join(", ", claims.getAudience()) + ")");
        }
        Object tokenNonce = claims.getClaim("nonce");
        if (nonce != null && tokenNonce != null && !nonce.equals(tokenNonce)) {
            throw new OAuthException("The ID token does not belong to this sign-in (nonce differs)");
        }
        String address = text(claims, "email");
        if (address == null || address.isBlank()) {
            address = text(claims, "preferred_username");
        }
        if (address == null || address.isBlank() || address.indexOf('@') < 1) {
            throw new OAuthException("The " + c.provider() + " sign-in did not say which address it is for");
        }
        Object verified = claims.getClaim("email_verified");
        if (Boolean.FALSE.equals(verified) || "false".equals(verified)) {
            throw new OAuthException("The provider has not verified the address " + address);
        }
        return address.trim();
    }

    private static String text(com.nimbusds.jwt.JWTClaimsSet claims, String name) {
        Object v = claims.getClaim(name);
        return v instanceof String s ? s : null;
    }

    /** The preset asked for, else the one that serves the address's domain, else the provider's domainless one. */
    private static ProviderPreset preset(Client c, String presetId, String address) {
        if (presetId != null) {
            for (ProviderPreset p : c.presets()) {
                if (p.id().equals(presetId)) {
                    return p;
                }
            }
        }
        for (ProviderPreset p : c.presets()) {
            if (p.serves(address)) {
                return p;
            }
        }
        return c.presets().stream().filter(p -> p.domains().isEmpty()).findFirst().orElse(c.presets().get(0));
    }

    private Client client(String provider) {
        return clients.find(provider).orElseThrow(() -> new IllegalArgumentException("Sign-in with " + provider
                + " is not set up: an operator must configure an OAuth client for it ("
                + OAuthClientConfig.FACTORY_PID + ")"));
    }

    private static String flowContext(String state) {
        return "io.talentats.email.oauth.flow/" + state;
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String challenge(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
