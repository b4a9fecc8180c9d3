package io.talentats.email.oauth.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.talentats.email.api.Account;
import io.talentats.email.api.OAuthSignIn;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Secret;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The configured OAuth clients joined with the presets' OAuth descriptions: everything needed to talk to one
 * provider's endpoints. A service private to this bundle.
 */
@Component(service = Clients.class)
public class Clients implements ClientLookup {

    /**
     * One provider, ready to use.
     *
     * @param scopes the preset's scopes (SMTP and IMAP)
     * @param mailAccess the client's {@code mail.access}: a way into the mailbox, or {@code auto}
     */
    record Client(String provider, String displayName, String clientId, Secret clientSecret, String redirectUri,
            String authorizationUrl, String tokenUrl, String revocationUrl, String deviceAuthorizationUrl,
            List<String> scopes, Map<String, String> authorizationParameters, List<ProviderPreset> presets,
            String mailAccess) {
        @Override
        public String toString() {
            return "Client[" + provider + ", " + clientId + "]";
        }

        /** The way into the mailbox a sign-in is for unless another is asked for. */
        String defaultAccess() {
            return ApiScopes.AUTO.equals(mailAccess) ? Account.SMTP_IMAP : mailAccess;
        }

        /** The provider's API an {@code auto} client offers where SMTP and IMAP are off. */
        Optional<String> switchTo() {
            return ApiScopes.AUTO.equals(mailAccess) ? ApiScopes.apiOf(provider) : Optional.empty();
        }

        /**
         * The way in a sign-in is for: the one asked for, when this client allows it.
         *
         * @throws IllegalArgumentException when it does not
         */
        String access(String requested) {
            if (requested == null || requested.isBlank() || requested.equals(defaultAccess())
                    || switchTo().map(requested::equals).orElse(false)) {
                return requested == null || requested.isBlank() ? defaultAccess() : requested;
            }
            throw new IllegalArgumentException("A sign-in with " + provider + " cannot be for mail access "
                    + requested + ": the operator set mail.access = " + mailAccess + " for it");
        }

        /** The scopes a sign-in for {@code access} asks for. */
        List<String> scopesFor(String access) {
            return ApiScopes.scopes(access).orElse(scopes);
        }
    }

    private final ProviderPresets presets;
    private final List<OAuthClient> configured = new CopyOnWriteArrayList<>();

    @Activate
    public Clients(@Reference ProviderPresets presets) {
        this.presets = presets;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeClient")
    void addClient(OAuthClient client) {
        configured.add(client);
    }

    void removeClient(OAuthClient client) {
        configured.remove(client);
    }

    /** Every provider with a usable client and at least one preset, sorted by name. */
    List<Client> all() {
        List<Client> out = new ArrayList<>();
        for (OAuthClient c : configured) {
            if (c.usable()) {
                resolve(c).ifPresent(out::add);
            }
        }
        out.sort((a, b) -> a.displayName().compareToIgnoreCase(b.displayName()));
        return out;
    }

    @Override
    public Optional<Client> find(String provider) {
        return configured.stream().filter(c -> c.usable() && c.provider().equals(provider)).findFirst()
                .flatMap(this::resolve);
    }

    private Optional<Client> resolve(OAuthClient c) {
        List<ProviderPreset> mine = presets.list().stream()
                .filter(p -> p.oauth() != null && p.oauth().provider().equals(c.provider())).toList();
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        OAuthSignIn o = mine.get(0).oauth();
        OAuthClientConfig cfg = c.config();
        String tenant = c.tenant();
        String name = c.displayName() == null || c.displayName().isBlank()
                ? "Sign in with " + capitalized(c.provider()) : c.displayName().trim();
        return Optional.of(new Client(c.provider(), name, c.clientId(), c.clientSecret(), c.redirectUri(),
                url(cfg.authorization_url(), o.authorizationUrl(), tenant),
                url(cfg.token_url(), o.tokenUrl(), tenant),
                url(cfg.revocation_url(), o.revocationUrl(), tenant),
                url(cfg.device_authorization_url(), o.deviceAuthorizationUrl(), tenant),
                o.scopes(), o.authorizationParameters(), mine, c.mailAccess()));
    }

    private static String url(String override, String preset, String tenant) {
        String u = override != null && !override.isBlank() ? override.trim() : preset;
        return u == null ? null : u.replace("{tenant}", tenant);
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
    }
}
