package io.talentats.email.discovery.internal;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.talentats.email.api.Discovered;
import io.talentats.email.api.Discovered.Source;
import io.talentats.email.api.Discovery;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Security;
import io.talentats.email.mail.GreetingProbe;
import io.talentats.email.support.Threads;
import io.talentats.email.runtime.TlsTrust;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The discovery chain, first hit wins: presets by domain; the provider's autoconfig (HTTPS, then its well-known
 * path, then plain HTTP, marked unauthenticated); the ISP database; DNS SRV (RFC 6186/8314, implicit TLS first, a
 * target of "." means not offered); the MX (Google's or Microsoft 365's mail → their preset; else the MX host's
 * base domain asked again); last, common names probed in parallel (greetings only, unauthenticated). Never sends a
 * password. Domain results are cached.
 */
@Component(service = Discovery.class, configurationPid = DiscoveryConfig.PID)
@Designate(ocd = DiscoveryConfig.class)
public class AutoDiscovery implements Discovery {

    private static final Logger LOG = LoggerFactory.getLogger(AutoDiscovery.class);
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+"
            + "[a-z0-9-]{2,63}");

    /** How a guessed server is checked: by its greeting. A seam for tests, which have no such host names. */
    @FunctionalInterface
    interface Prober {
        GreetingProbe.Answer probe(String host, int port, boolean tls, int timeoutMs);
    }

    /** What a source found, before the address fills in the username. */
    record Found(Source source, String detail, boolean unauthenticated, String presetId, Endpoint smtp,
            Endpoint imap, String usernameTemplate, boolean oauth) {
        static final Found NONE = new Found(Source.NONE, "nothing found: enter the servers your provider gives",
                false, null, null, null, null, false);
    }

    private record Cached(Found found, long until) {}

    private record Settings(DiscoveryConfig config, Http http, Dns dns) {}

    private final ProviderPresets presets;
    private final Prober prober;
    private final ExecutorService probes;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private volatile Settings settings;

    @Activate
    public AutoDiscovery(DiscoveryConfig config, @Reference ProviderPresets presets) {
        this(config, presets, null, null, GreetingProbe::greeting);
    }

    /** With {@code http} and {@code dns} given (tests), the configuration's are not made. */
    AutoDiscovery(DiscoveryConfig config, ProviderPresets presets, Http http, Dns dns, Prober prober) {
        this.presets = presets;
        this.prober = prober;
        this.probes = Executors.newCachedThreadPool(Threads.daemon("talentats-discovery-probe", null));
        this.settings = settings(config, http, dns);
    }

    /** The operator's TLS trust (trusted.certificates), for the HTTPS sources; the JVM's while it is absent. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile TlsTrust trust;

    @Modified
    void modified(DiscoveryConfig config) {
        settings = settings(config, null, null);
        cache.clear();
    }

    @Deactivate
    void deactivate() {
        probes.shutdownNow();
    }

    private Settings settings(DiscoveryConfig c, Http http, Dns dns) {
        Duration source = Duration.ofMillis(c.source_timeout_ms());
        return new Settings(c, http != null ? http : new Http(Http.overrides(c.host_overrides()), source, () -> {
            TlsTrust t = trust;
            return t == null ? null : t.context();
        }),
                dns != null ? dns : new JndiDns(c.dns_server(), c.source_timeout_ms()));
    }

    @Override
    public Discovered discover(String emailAddress) {
        String address = emailAddress == null ? "" : emailAddress.trim();
        int at = address.lastIndexOf('@');
        String domain = at < 1 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
        if (at < 1 || !DOMAIN.matcher(domain).matches() || address.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("'" + address + "' is not an email address: write it as name@domain");
        }
        Optional<ProviderPreset> preset = presets.lookup(address);
        if (preset.isPresent()) {
            return result(address, domain, preset(preset.get(), "found in the " + preset.get().displayName()
                    + " preset"));
        }
        Settings s = settings;
        Cached c = cache.get(domain);
        if (c != null && c.until() > System.currentTimeMillis()) {
            return result(address, domain, c.found());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(s.config().total_timeout_ms());
        Found found = chain(s, address, domain, deadline);
        if (s == settings) {
            // Not when the configuration changed meanwhile: this answer may be the old one's
            cache.put(domain, new Cached(found, System.currentTimeMillis()
                    + TimeUnit.MINUTES.toMillis(found.source() == Source.NONE ? Math.min(1, s.config().cache_minutes())
                            : s.config().cache_minutes())));
        }
        LOG.info("Discovered the settings of {}: {}", domain, found.detail());
        return result(address, domain, found);
    }

    private Found chain(Settings s, String address, String domain, long deadline) {
        // Asked side by side (each bounded by its own timeout), taken in the chain's order: the whole takes as
        // long as the slowest source, not their sum.
        Optional<Found> found = firstInOrder(List.of(
                () -> autoconfig(s, address, domain, deadline),
                () -> ispdb(s, domain, deadline, "found in the ISP database for " + domain),
                () -> srv(s, domain, deadline),
                () -> mx(s, domain, deadline)), deadline);
        if (found.isPresent()) {
            return found.get();
        }
        if (System.nanoTime() < deadline) {
            Optional<Found> guessed = guess(s, domain, deadline);
            if (guessed.isPresent()) {
                return guessed.get();
            }
        }
        return System.nanoTime() < deadline ? Found.NONE : new Found(Source.NONE, "nothing found within "
                + s.config().total_timeout_ms() / 1000.0 + " s: enter the servers your provider gives", false, null,
                null, null, null, false);
    }

    /**
     * Runs every step at once and answers the first one, in list order, that found something by the deadline. A
     * step gets at most the source timeout (and a little for its own work): one that overruns it is abandoned and
     * the next step's answer, which may be in already, still counts.
     */
    private Optional<Found> firstInOrder(List<Step> steps, long deadline) {
        long budget = TimeUnit.MILLISECONDS.toNanos(settings.config().source_timeout_ms() + STEP_SLACK_MS);
        List<CompletableFuture<Optional<Found>>> running = new ArrayList<>();
        for (Step step : steps) {
            running.add(CompletableFuture.supplyAsync(step::run, probes));
        }
        try {
            for (CompletableFuture<Optional<Found>> f : running) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    Optional<Found> r = f.get(Math.min(left, budget), TimeUnit.NANOSECONDS);
                    if (r.isPresent()) {
                        return r;
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    LOG.debug("A discovery source did not answer within its timeout; the next one counts");
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.debug("A discovery source failed: {}", e.getCause().toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
            return Optional.empty();
        } finally {
            running.forEach(f -> f.cancel(true));
        }
    }

    /** What a step may take beyond the source timeout for its own work (parsing, a DNS answer's checks). */
    static final long STEP_SLACK_MS = 500;

    @FunctionalInterface
    private interface Step {
        Optional<Found> run();
    }

    private Optional<Found> autoconfig(Settings s, String address, String domain, long deadline) {
        String query = "?emailaddress=" + URLEncoder.encode(address, StandardCharsets.UTF_8);
        return firstInOrder(List.of(
                () -> fetch(s, "https://autoconfig." + domain + "/mail/config-v1.1.xml" + query, deadline,
                        Source.AUTOCONFIG, "found in the provider's published configuration (autoconfig." + domain
                                + ")", false),
                () -> fetch(s, "https://" + domain + "/.well-known/autoconfig/mail/config-v1.1.xml", deadline,
                        Source.AUTOCONFIG, "found in the provider's published configuration (" + domain + ")",
                        false),
                () -> fetch(s, "http://autoconfig." + domain + "/mail/config-v1.1.xml" + query, deadline,
                        Source.AUTOCONFIG, "found in a configuration published without encryption (http://autoconfig."
                                + domain + ")", true)), deadline);
    }

    private Optional<Found> ispdb(Settings s, String domain, long deadline, String detail) {
        String base = s.config().ispdb_url();
        if (base == null || base.isBlank()) {
            return Optional.empty();
        }
        String url = (base.endsWith("/") ? base : base + "/") + domain;
        return fetch(s, url, deadline, Source.ISP_DATABASE, detail, !url.startsWith("https://"));
    }

    private Optional<Found> fetch(Settings s, String url, long deadline, Source source, String detail,
            boolean unauthenticated) {
        Optional<Http.Page> page = s.http().get(url, timeout(s, deadline));
        if (page.isEmpty()) {
            return Optional.empty();
        }
        String elsewhere = page.get().redirectedTo();
        // A file another host answered (a redirect) is that host's word, not the one asked: say so, and ask to confirm
        String from = elsewhere == null ? detail : detail + ", but answered by " + elsewhere + " after a redirect";
        return ClientConfig.parse(page.get().body()).map(v -> new Found(source, from,
                unauthenticated || elsewhere != null, null, v.smtp(), v.imap(), v.username(), v.oauth()));
    }

    private Optional<Found> srv(Settings s, String domain, long deadline) {
        try {
            Endpoint imap = firstSrv(s, "_imaps._tcp." + domain, Security.SSL_TLS, deadline);
            if (imap == null) {
                imap = firstSrv(s, "_imap._tcp." + domain, Security.STARTTLS, deadline);
            }
            Endpoint smtp = firstSrv(s, "_submissions._tcp." + domain, Security.SSL_TLS, deadline);
            if (smtp == null) {
                smtp = firstSrv(s, "_submission._tcp." + domain, Security.STARTTLS, deadline);
            }
            if (imap == null || smtp == null) {
                return Optional.empty();
            }
            return Optional.of(new Found(Source.DNS_SRV, "from DNS (SRV) of " + domain, false, null, smtp, imap,
                    null, false));
        } catch (IOException e) {
            LOG.debug("SRV lookups for {} failed: {}", domain, e.toString());
            return Optional.empty();
        }
    }

    private static Endpoint firstSrv(Settings s, String name, Security security, long deadline) throws IOException {
        if (System.nanoTime() > deadline) {
            return null;
        }
        for (Dns.Srv r : s.dns().srv(name)) {
            if (r.target() == null || r.target().equals(".") || r.target().isEmpty() || r.port() < 1) {
                continue; // RFC 2782: "." means the service is decidedly not available
            }
            return new Endpoint(r.target(), r.port(), security);
        }
        return null;
    }

    private Optional<Found> mx(Settings s, String domain, long deadline) {
        List<String> hosts;
        try {
            hosts = s.dns().mx(domain);
        } catch (IOException e) {
            LOG.debug("MX lookup for {} failed: {}", domain, e.toString());
            return Optional.empty();
        }
        if (hosts.isEmpty()) {
            return Optional.empty();
        }
        String mx = hosts.get(0);
        if (mx.endsWith(".google.com") || mx.endsWith(".googlemail.com") || mx.equals("smtp.google.com")) {
            return presetById("google-workspace").map(p -> withDetail(preset(p, null), Source.MX,
                    "your domain's mail is handled by Google Workspace (MX " + mx + ")"));
        }
        if (mx.endsWith(".mail.protection.outlook.com")) {
            return presetById("microsoft365").map(p -> withDetail(preset(p, null), Source.MX,
                    "your domain's mail is handled by Microsoft 365 (MX " + mx + ")"));
        }
        // A hosting provider's MX: its own published settings (as Thunderbird does, by the MX's base domain)
        String base = baseDomain(mx);
        if (base == null || base.equals(domain)) {
            return Optional.empty();
        }
        Optional<Found> f = ispdb(s, base, deadline, "your domain's mail is handled by " + base + " (MX " + mx
                + "): its settings from the ISP database");
        if (f.isEmpty()) {
            f = fetch(s, "https://autoconfig." + base + "/mail/config-v1.1.xml", deadline, Source.MX,
                    "your domain's mail is handled by " + base + " (MX " + mx + "): its published configuration",
                    false);
        }
        return f.map(x -> withDetail(x, Source.MX, x.detail()));
    }

    /** {@code mx1.mail.hoster.example} → {@code hoster.example} (the last two labels; no public suffix list). */
    static String baseDomain(String host) {
        String[] labels = host.split("\\.");
        return labels.length < 2 ? null : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    private Optional<Found> guess(Settings s, String domain, long deadline) {
        if (!s.config().guess()) {
            return Optional.empty();
        }
        int timeout = (int) Math.min(s.config().source_timeout_ms(), timeout(s, deadline).toMillis());
        List<Endpoint> imapCandidates = List.of(new Endpoint("imap." + domain, 993, Security.SSL_TLS),
                new Endpoint("mail." + domain, 993, Security.SSL_TLS),
                new Endpoint("imap." + domain, 143, Security.STARTTLS),
                new Endpoint("mail." + domain, 143, Security.STARTTLS));
        List<Endpoint> smtpCandidates = List.of(new Endpoint("smtp." + domain, 465, Security.SSL_TLS),
                new Endpoint("mail." + domain, 465, Security.SSL_TLS),
                new Endpoint("smtp." + domain, 587, Security.STARTTLS),
                new Endpoint("mail." + domain, 587, Security.STARTTLS));
        List<CompletableFuture<Boolean>> imapOk = probeAll(imapCandidates, timeout);
        List<CompletableFuture<Boolean>> smtpOk = probeAll(smtpCandidates, timeout);
        Endpoint imap = firstGreeting(imapCandidates, imapOk, timeout);
        Endpoint smtp = firstGreeting(smtpCandidates, smtpOk, timeout);
        if (imap == null || smtp == null) {
            return Optional.empty();
        }
        return Optional.of(new Found(Source.GUESS, "guessed: " + imap.host() + " and " + smtp.host() + " answered "
                + "like mail servers; check these settings with your provider", true, null, smtp, imap, null, false));
    }

    private List<CompletableFuture<Boolean>> probeAll(List<Endpoint> candidates, int timeout) {
        List<CompletableFuture<Boolean>> out = new ArrayList<>();
        for (Endpoint e : candidates) {
            out.add(CompletableFuture.supplyAsync(() -> prober.probe(e.host(), e.port(),
                    e.security() == Security.SSL_TLS, timeout) == GreetingProbe.Answer.GREETED, probes));
        }
        return out;
    }

    /** The first candidate, in order of preference, that greeted. */
    private static Endpoint firstGreeting(List<Endpoint> candidates, List<CompletableFuture<Boolean>> ok,
            int timeout) {
        for (int i = 0; i < candidates.size(); i++) {
            try {
                if (ok.get(i).get(timeout + 500L, TimeUnit.MILLISECONDS)) {
                    return candidates.get(i);
                }
            } catch (Exception noAnswer) {
                // not this one
            }
        }
        return null;
    }

    private Optional<ProviderPreset> presetById(String id) {
        return presets.find(id);
    }

    private static Found preset(ProviderPreset p, String detail) {
        return new Found(Source.PRESET, detail, false, p.id(), p.smtp(), p.imap(), null, p.oauth() != null);
    }

    private static Found withDetail(Found f, Source source, String detail) {
        return new Found(source, detail, f.unauthenticated(), f.presetId(), f.smtp(), f.imap(), f.usernameTemplate(),
                f.oauth());
    }

    private static Duration timeout(Settings s, long deadline) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        return Duration.ofMillis(Math.max(100, Math.min(s.config().source_timeout_ms(), left)));
    }

    private static Discovered result(String address, String domain, Found f) {
        List<String> notes = new ArrayList<>();
        if (f.source() != Source.PRESET && f.source() != Source.MX && f.source() != Source.NONE) {
            for (Endpoint e : List.of(f.imap(), f.smtp())) {
                if (!e.host().equals(domain) && !e.host().endsWith("." + domain)) {
                    notes.add(e.host() + " is not in " + domain + ": make sure it is your provider's server");
                }
            }
        }
        if (f.unauthenticated()) {
            notes.add("These settings come from a source that cannot be verified: confirm them before you save");
        }
        if (f.smtp() != null && (f.smtp().security() == Security.NONE || f.imap().security() == Security.NONE)) {
            notes.add("The provider names an unencrypted connection; it is accepted only where the operator allows "
                    + "it");
        }
        return new Discovered(address, f.source(), f.detail(), f.unauthenticated(), f.presetId(), f.smtp(), f.imap(),
                f.source() == Source.NONE ? null : ClientConfig.username(f.usernameTemplate(), address), f.oauth(),
                notes.stream().distinct().toList());
    }
}
