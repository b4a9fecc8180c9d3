package io.talentats.email.providers.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.OAuthSignIn;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Security;
import io.talentats.email.api.SendingLimit;
import io.talentats.email.spi.MailProvider;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link MailProvider} service in the framework, read from its {@code preset.*} service properties. A
 * contribution appears and disappears with its service; for an id contributed twice the higher service ranking
 * wins, and the other takes over when the winner goes.
 */
@Component
public class PresetRegistry implements ProviderPresets {

    private static final Logger LOG = LoggerFactory.getLogger(PresetRegistry.class);
    private static final String P = "preset.";

    /** Contributions by preset id, best first. */
    private final Map<String, ConcurrentSkipListSet<Contribution>> byId = new ConcurrentHashMap<>();

    record Contribution(ProviderPreset preset, MailProvider provider, int ranking, long serviceId) {
        static final Comparator<Contribution> BEST_FIRST = Comparator.comparingInt(Contribution::ranking).reversed()
                .thenComparingLong(Contribution::serviceId);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addProvider(MailProvider provider, Map<String, Object> props) {
        ProviderPreset preset;
        try {
            preset = toPreset(props);
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring the mail provider service {} (bundle {}): {}", props.get(Constants.SERVICE_ID),
                    props.get("service.bundleid"), e.getMessage());
            return;
        }
        byId.computeIfAbsent(preset.id(), id -> new ConcurrentSkipListSet<>(Contribution.BEST_FIRST))
                .add(new Contribution(preset, provider, ranking(props), serviceId(props)));
        LOG.info("Mail provider preset '{}' ({}) available", preset.id(), preset.displayName());
    }

    void removeProvider(MailProvider provider, Map<String, Object> props) {
        long serviceId = serviceId(props);
        Object id = props.get(P + "id");
        if (id == null) {
            return;
        }
        byId.computeIfPresent(id.toString().trim(), (k, set) -> {
            set.removeIf(c -> c.serviceId() == serviceId);
            return set.isEmpty() ? null : set;
        });
        LOG.info("Mail provider preset '{}' from service {} withdrawn", id, serviceId);
    }

    @Override
    public List<ProviderPreset> list() {
        List<ProviderPreset> all = new ArrayList<>();
        for (ConcurrentSkipListSet<Contribution> set : byId.values()) {
            best(set).ifPresent(c -> all.add(c.preset()));
        }
        all.sort(Comparator.comparing((ProviderPreset p) -> p.displayName().toLowerCase(Locale.ROOT)));
        return all;
    }

    @Override
    public Optional<ProviderPreset> find(String id) {
        return winner(id).map(Contribution::preset);
    }

    @Override
    public Optional<ProviderPreset> lookup(String emailAddress) {
        if (emailAddress == null || emailAddress.indexOf('@') < 0) {
            return Optional.empty();
        }
        return list().stream().filter(p -> p.serves(emailAddress)).findFirst();
    }

    @Override
    public AccountDraft apply(String presetId, AccountDraft draft) {
        ProviderPreset preset = find(presetId)
                .orElseThrow(() -> new IllegalArgumentException("No mail provider preset with id '" + presetId + "'"));
        AccountDraft.Builder b = draft == null ? AccountDraft.builder() : draft.toBuilder();
        return b.smtp(preset.smtp()).imap(preset.imap()).presetId(preset.id()).build();
    }

    @Override
    public List<String> adviceFor(String presetId, FailureClass failure) {
        if (presetId == null) {
            return List.of();
        }
        return winner(presetId).map(c -> {
            try {
                return List.copyOf(c.provider().adviceFor(failure));
            } catch (RuntimeException e) {
                LOG.warn("The mail provider '{}' failed to give advice: {}", presetId, e.toString());
                return List.<String>of();
            }
        }).orElse(List.of());
    }

    private Optional<Contribution> winner(String id) {
        ConcurrentSkipListSet<Contribution> set = id == null ? null : byId.get(id);
        return set == null ? Optional.empty() : best(set);
    }

    private static Optional<Contribution> best(ConcurrentSkipListSet<Contribution> set) {
        try {
            return Optional.of(set.first());
        } catch (java.util.NoSuchElementException raceWithRemoval) {
            return Optional.empty();
        }
    }

    /** Reads a preset from the service properties of {@code @ProviderPresetService}. */
    static ProviderPreset toPreset(Map<String, Object> props) {
        String id = required(props, "id");
        if (!id.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("preset.id '" + id + "' must be lower-case letters, digits, '.', '_' or '-'");
        }
        List<String> domains = strings(props.get(P + "domains")).stream()
                .map(d -> d.trim().toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty()).toList();
        List<SendingLimit> limits = new ArrayList<>();
        for (String limit : strings(props.get(P + "sending.limits"))) {
            limits.add(sendingLimit(limit));
        }
        return new ProviderPreset(
                id,
                required(props, "display.name"),
                domains,
                new Endpoint(required(props, "smtp.host"), port(props, "smtp.port", 465),
                        security(props, "smtp.security")),
                new Endpoint(required(props, "imap.host"), port(props, "imap.port", 993),
                        security(props, "imap.security")),
                authMethod(props),
                optional(props, "auth.notes"),
                bool(props, "files.sent.mail"),
                bool(props, "subaddressing"),
                limits,
                optional(props, "help.url"),
                oauth(props));
    }

    /** The preset's OAuth sign-in, or {@code null} without {@code preset.oauth.provider}. */
    static OAuthSignIn oauth(Map<String, Object> props) {
        String provider = optional(props, "oauth.provider").trim();
        if (provider.isEmpty()) {
            return null;
        }
        if (!provider.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("preset.oauth.provider '" + provider
                    + "' must be lower-case letters, digits, '.', '_' or '-'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : strings(props.get(P + "oauth.authorization.parameters"))) {
            int eq = pair.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("preset.oauth.authorization.parameters entry '" + pair
                        + "' must be name=value");
            }
            params.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        List<String> scopes = strings(props.get(P + "oauth.scopes")).stream().map(String::trim)
                .filter(x -> !x.isEmpty()).toList();
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("preset.oauth.scopes is missing: name the scopes for IMAP and SMTP");
        }
        String revocation = optional(props, "oauth.revocation.url").trim();
        String device = optional(props, "oauth.device.authorization.url").trim();
        return new OAuthSignIn(provider, url(props, "oauth.authorization.url"), url(props, "oauth.token.url"),
                revocation.isEmpty() ? null : revocation, device.isEmpty() ? null : device, scopes, params);
    }

    private static String url(Map<String, Object> props, String key) {
        String v = required(props, key);
        if (!v.startsWith("https://") && !v.startsWith("http://")) {
            throw new IllegalArgumentException(P + key + " '" + v + "' must be an http(s) URL");
        }
        return v;
    }

    static SendingLimit sendingLimit(String spec) {
        int slash = spec.indexOf('/');
        try {
            int count = Integer.parseInt(spec.substring(0, slash).trim());
            Duration period = Duration.parse(spec.substring(slash + 1).trim());
            if (count < 1 || period.isZero() || period.isNegative()) {
                throw new IllegalArgumentException();
            }
            return new SendingLimit(count, period);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("preset.sending.limits entry '" + spec
                    + "' must be COUNT/PERIOD with an ISO-8601 period, e.g. 30/PT1M or 500/P1D");
        }
    }

    private static String required(Map<String, Object> props, String key) {
        String v = optional(props, key);
        if (v.isBlank()) {
            throw new IllegalArgumentException("the service property " + P + key + " is missing");
        }
        return v.trim();
    }

    private static String optional(Map<String, Object> props, String key) {
        Object v = props.get(P + key);
        return v == null ? "" : v.toString();
    }

    private static int port(Map<String, Object> props, String key, int dflt) {
        Object v = props.get(P + key);
        int port;
        try {
            port = v == null ? dflt : v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(P + key + " '" + v + "' is not a port number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(P + key + " must be between 1 and 65535, was " + port);
        }
        return port;
    }

    private static Security security(Map<String, Object> props, String key) {
        Object v = props.get(P + key);
        try {
            return v == null ? Security.SSL_TLS : Security.valueOf(v.toString().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(P + key + " must be one of " + Arrays.toString(Security.values()));
        }
    }

    private static AuthMethod authMethod(Map<String, Object> props) {
        Object v = props.get(P + "auth.method");
        try {
            return v == null ? AuthMethod.PASSWORD : AuthMethod.valueOf(v.toString().trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(P + "auth.method must be one of " + Arrays.toString(AuthMethod.values()));
        }
    }

    private static boolean bool(Map<String, Object> props, String key) {
        Object v = props.get(P + key);
        return v != null && Boolean.parseBoolean(v.toString().trim());
    }

    private static List<String> strings(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String[] a) {
            return List.of(a);
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(Object::toString).toList();
        }
        return List.of(v.toString());
    }

    private static int ranking(Map<String, Object> props) {
        return props.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    private static long serviceId(Map<String, Object> props) {
        return props.get(Constants.SERVICE_ID) instanceof Long l ? l : -1L;
    }
}
