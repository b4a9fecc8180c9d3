package io.talentats.email.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.Discovered;
import io.talentats.email.api.Discovered.Source;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Security;
import io.talentats.email.mail.GreetingProbe;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** The discovery chain against scripted HTTP, DNS and probes: each source, its order, and what is refused. */
class AutoDiscoveryTest {

    static String config(String imapHost, int imapPort, String imapSocket, String smtpHost, int smtpPort,
            String smtpSocket, String username) {
        return "<?xml version=\"1.0\"?>\n<clientConfig version=\"1.1\"><emailProvider id=\"x\">"
                + "<incomingServer type=\"pop3\"><hostname>pop.x.test</hostname><port>995</port>"
                + "<socketType>SSL</socketType></incomingServer>"
                + "<incomingServer type=\"imap\"><hostname>" + imapHost + "</hostname><port>" + imapPort + "</port>"
                + "<socketType>" + imapSocket + "</socketType><username>" + username + "</username>"
                + "<authentication>password-cleartext</authentication></incomingServer>"
                + "<outgoingServer type=\"smtp\"><hostname>" + smtpHost + "</hostname><port>" + smtpPort + "</port>"
                + "<socketType>" + smtpSocket + "</socketType><authentication>OAuth2</authentication>"
                + "</outgoingServer></emailProvider></clientConfig>";
    }

    static final class ScriptedHttp extends Http {
        final Map<String, String> pages = new ConcurrentHashMap<>();
        final List<String> asked = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile long delayMillis;

        ScriptedHttp() {
            super(Map.of(), Duration.ofSeconds(1));
        }

        /** Pages another host answers after a redirect: asked URL → that host. */
        final Map<String, String> redirects = new ConcurrentHashMap<>();

        @Override
        Optional<Page> get(String url, Duration timeout) {
            asked.add(url);
            if (delayMillis > 0) {
                try {
                    Thread.sleep(Math.min(delayMillis, timeout.toMillis()));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Optional.empty();
            }
            return Optional.ofNullable(pages.get(url)).map(body -> new Page(body, redirects.get(url)));
        }
    }

    static final class ScriptedDns implements Dns {
        final Map<String, List<Srv>> srv = new HashMap<>();
        final Map<String, List<String>> mx = new HashMap<>();

        @Override
        public List<Srv> srv(String name) {
            return srv.getOrDefault(name, List.of());
        }

        @Override
        public List<String> mx(String domain) {
            return mx.getOrDefault(domain, List.of());
        }
    }

    static final class Presets implements ProviderPresets {
        final List<ProviderPreset> all = List.of(
                preset("gmail", List.of("gmail.com"), "smtp.gmail.com", "imap.gmail.com"),
                preset("google-workspace", List.of(), "smtp.gmail.com", "imap.gmail.com"),
                preset("microsoft365", List.of(), "smtp.office365.com", "outlook.office365.com"));

        static ProviderPreset preset(String id, List<String> domains, String smtp, String imap) {
            return new ProviderPreset(id, id, domains, new Endpoint(smtp, 465, Security.SSL_TLS),
                    new Endpoint(imap, 993, Security.SSL_TLS), AuthMethod.PASSWORD, "", false, false, List.of(), "");
        }

        @Override
        public List<ProviderPreset> list() {
            return all;
        }

        @Override
        public Optional<ProviderPreset> find(String id) {
            return all.stream().filter(p -> p.id().equals(id)).findFirst();
        }

        @Override
        public Optional<ProviderPreset> lookup(String emailAddress) {
            return all.stream().filter(p -> p.serves(emailAddress)).findFirst();
        }

        @Override
        public AccountDraft apply(String presetId, AccountDraft draft) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> adviceFor(String presetId, FailureClass failure) {
            return List.of();
        }
    }

    private final ScriptedHttp http = new ScriptedHttp();
    private final ScriptedDns dns = new ScriptedDns();
    private final Set<String> greeting = ConcurrentHashMap.newKeySet();
    private AutoDiscovery discovery;

    private AutoDiscovery discovery(Map<String, Object> settings) {
        Map<String, Object> c = new HashMap<>(settings);
        c.putIfAbsent("ispdb.url", "https://ispdb.test/v1.1/");
        DiscoveryConfig config = Converters.standardConverter().convert(c).to(DiscoveryConfig.class);
        discovery = new AutoDiscovery(config, new Presets(), http, dns,
                (host, port, tls, timeout) -> greeting.contains(host + ":" + port)
                        ? GreetingProbe.Answer.GREETED : GreetingProbe.Answer.NO_CONNECTION);
        return discovery;
    }

    @AfterEach
    void stop() {
        if (discovery != null) {
            discovery.deactivate();
        }
    }

    @Test
    void aPresetDomainIsAnsweredWithoutAskingAnyone() {
        Discovered d = discovery(Map.of()).discover("jane@gmail.com");
        assertThat(d.source()).isEqualTo(Source.PRESET);
        assertThat(d.presetId()).isEqualTo("gmail");
        assertThat(http.asked).isEmpty();
    }

    @Test
    void theProvidersAutoconfigWinsAndNamesItsUsername() {
        http.pages.put("https://autoconfig.acme.test/mail/config-v1.1.xml?emailaddress=jane%40acme.test",
                config("imap.acme.test", 993, "SSL", "mail.hoster.test", 587, "STARTTLS", "%EMAILLOCALPART%"));
        Discovered d = discovery(Map.of()).discover("jane@acme.test");
        assertThat(d.source()).isEqualTo(Source.AUTOCONFIG);
        assertThat(d.confirmationNeeded()).isFalse();
        assertThat(d.imap()).isEqualTo(new Endpoint("imap.acme.test", 993, Security.SSL_TLS));
        assertThat(d.smtp()).isEqualTo(new Endpoint("mail.hoster.test", 587, Security.STARTTLS));
        assertThat(d.username()).isEqualTo("jane");
        assertThat(d.oauth()).isTrue();
        assertThat(d.sourceDetail()).contains("published configuration");
        assertThat(d.notes()).anyMatch(n -> n.startsWith("mail.hoster.test is not in acme.test"));
    }

    @Test
    void aFileAnotherHostAnsweredSaysWhereItCameFromAndNeedsConfirmation() {
        String url = "https://autoconfig.moved.test/mail/config-v1.1.xml?emailaddress=jane%40moved.test";
        http.pages.put(url, config("imap.moved.test", 993, "SSL", "smtp.moved.test", 465, "SSL", "%EMAILADDRESS%"));
        http.redirects.put(url, "parked-domains.example");
        Discovered d = discovery(Map.of()).discover("jane@moved.test");
        assertThat(d.source()).isEqualTo(Source.AUTOCONFIG);
        assertThat(d.sourceDetail()).contains("autoconfig.moved.test").contains("answered by parked-domains.example");
        assertThat(d.confirmationNeeded()).isTrue();
        assertThat(d.notes()).anyMatch(n -> n.contains("confirm"));
    }

    @Test
    void thenTheWellKnownPathThenPlainHttpWhichNeedsConfirmation() {
        http.pages.put("https://acme.test/.well-known/autoconfig/mail/config-v1.1.xml",
                config("imap.acme.test", 993, "SSL", "smtp.acme.test", 465, "SSL", "%EMAILADDRESS%"));
        Discovered d = discovery(Map.of()).discover("jane@acme.test");
        assertThat(d.source()).isEqualTo(Source.AUTOCONFIG);
        assertThat(d.username()).isEqualTo("jane@acme.test");

        http.pages.put("http://autoconfig.plain.test/mail/config-v1.1.xml?emailaddress=jo%40plain.test",
                config("imap.plain.test", 993, "SSL", "smtp.plain.test", 465, "SSL", "%EMAILADDRESS%"));
        Discovered plain = discovery.discover("jo@plain.test");
        assertThat(plain.source()).isEqualTo(Source.AUTOCONFIG);
        assertThat(plain.confirmationNeeded()).isTrue();
        assertThat(plain.notes()).anyMatch(n -> n.contains("confirm"));
    }

    @Test
    void theIspDatabaseIsAskedNextAndCanBeSwitchedOff() {
        http.pages.put("https://ispdb.test/v1.1/isp.test",
                config("imap.isp.test", 993, "SSL", "smtp.isp.test", 465, "SSL", "%EMAILADDRESS%"));
        assertThat(discovery(Map.of()).discover("a@isp.test").source()).isEqualTo(Source.ISP_DATABASE);
        discovery.deactivate();
        assertThat(discovery(Map.of("ispdb.url", "", "guess", false)).discover("a@isp.test").source())
                .isEqualTo(Source.NONE);
    }

    @Test
    void dnsSrvPrefersImplicitTlsAndADotMeansNotOffered() {
        dns.srv.put("_imaps._tcp.srv.test", List.of(new Dns.Srv(0, 0, 993, "mail.srv.test")));
        dns.srv.put("_submissions._tcp.srv.test", List.of(new Dns.Srv(0, 0, 0, ".")));
        dns.srv.put("_submission._tcp.srv.test", List.of(new Dns.Srv(10, 5, 587, "smtp.srv.test"),
                new Dns.Srv(20, 5, 587, "backup.srv.test")));
        Discovered d = discovery(Map.of()).discover("a@srv.test");
        assertThat(d.source()).isEqualTo(Source.DNS_SRV);
        assertThat(d.imap()).isEqualTo(new Endpoint("mail.srv.test", 993, Security.SSL_TLS));
        assertThat(d.smtp()).isEqualTo(new Endpoint("smtp.srv.test", 587, Security.STARTTLS));
        assertThat(d.sourceDetail()).isEqualTo("from DNS (SRV) of srv.test");
    }

    @Test
    void theMxTellsGoogleMicrosoftAndHostingProviders() {
        dns.mx.put("corp.test", List.of("aspmx.l.google.com"));
        dns.mx.put("ms.test", List.of("ms-test.mail.protection.outlook.com"));
        dns.mx.put("small.test", List.of("mx1.hoster.test"));
        http.pages.put("https://ispdb.test/v1.1/hoster.test",
                config("imap.hoster.test", 993, "SSL", "smtp.hoster.test", 465, "SSL", "%EMAILADDRESS%"));
        discovery(Map.of());
        Discovered g = discovery.discover("a@corp.test");
        assertThat(g.source()).isEqualTo(Source.MX);
        assertThat(g.presetId()).isEqualTo("google-workspace");
        assertThat(g.sourceDetail()).contains("handled by Google Workspace");
        assertThat(discovery.discover("a@ms.test").presetId()).isEqualTo("microsoft365");
        Discovered h = discovery.discover("a@small.test");
        assertThat(h.source()).isEqualTo(Source.MX);
        assertThat(h.imap().host()).isEqualTo("imap.hoster.test");
        assertThat(h.sourceDetail()).contains("hoster.test");
    }

    @Test
    void lastCommonNamesAreProbedAndTheResultNeedsConfirmation() {
        greeting.add("mail.guess.test:993");
        greeting.add("imap.guess.test:143");
        greeting.add("smtp.guess.test:587");
        Discovered d = discovery(Map.of()).discover("a@guess.test");
        assertThat(d.source()).isEqualTo(Source.GUESS);
        assertThat(d.confirmationNeeded()).isTrue();
        assertThat(d.imap()).isEqualTo(new Endpoint("mail.guess.test", 993, Security.SSL_TLS));
        assertThat(d.smtp()).isEqualTo(new Endpoint("smtp.guess.test", 587, Security.STARTTLS));
        assertThat(discovery.discover("a@nothing.test").found()).isFalse();
    }

    @Test
    void hostileOrMalformedFilesAreRefused() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE c [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + config("imap.x.test", 993, "SSL", "smtp.x.test", 465, "SSL", "&x;").substring(21);
        assertThat(ClientConfig.parse(xxe)).isEmpty();
        assertThat(ClientConfig.parse("<clientConfig>" + "x".repeat(Http.MAX_BYTES) + "</clientConfig>")).isEmpty();
        assertThat(ClientConfig.parse(config("imap.x.test", 0, "SSL", "smtp.x.test", 465, "SSL", "u"))).isEmpty();
        assertThat(ClientConfig.parse(config("imap.x.test", 993, "SSL", "smtp.x.test", 465, "weird", "u")))
                .isEmpty();
        assertThat(ClientConfig.parse(config("imap.x.test", 993, "SSL", "bad host!", 465, "SSL", "u"))).isEmpty();
        assertThat(ClientConfig.parse(config("imap.x.test", 993, "SSL", "smtp.x.test", 465, "SSL", "u")
                .replace("<port>993</port>", "<port>nine</port>"))).isEmpty();
        assertThat(ClientConfig.parse("<html>not it</html>")).isEmpty();
        assertThat(ClientConfig.parse("{\"json\": true}")).isEmpty();
        assertThat(ClientConfig.parse(config("imap.x.test", 993, "SSL", "smtp.x.test", 465, "SSL", "u")))
                .isPresent();
    }

    @Test
    void resultsAreCachedAndTheWholeIsBounded() {
        http.pages.put("https://ispdb.test/v1.1/isp.test",
                config("imap.isp.test", 993, "SSL", "smtp.isp.test", 465, "SSL", "%EMAILADDRESS%"));
        discovery(Map.of()).discover("a@isp.test");
        int asked = http.asked.size();
        assertThat(discovery.discover("b@isp.test").username()).isEqualTo("b@isp.test");
        assertThat(http.asked).hasSize(asked);

        http.delayMillis = 10_000;
        discovery.deactivate();
        discovery(Map.of("total.timeout.ms", 1500, "source.timeout.ms", 1000, "guess", false));
        long start = System.nanoTime();
        Discovered slow = discovery.discover("a@slow.test");
        assertThat(slow.found()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(3500));
    }

    @Test
    void notAnAddressIsRefusedWithWhatToFix() {
        assertThatThrownBy(() -> discovery(Map.of()).discover("jane"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name@domain");
        assertThatThrownBy(() -> discovery.discover("jane@exa mple.com")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void overridesRewriteAHostToAMirror() {
        Http h = new Http(Http.overrides(new String[] {"autoconfig.acme.test=http://127.0.0.1:8099/"}),
                Duration.ofSeconds(1));
        assertThat(h.rewrite("https://autoconfig.acme.test/mail/config-v1.1.xml?emailaddress=a%40acme.test"))
                .isEqualTo("http://127.0.0.1:8099/mail/config-v1.1.xml?emailaddress=a%40acme.test");
        assertThat(h.rewrite("https://other.test/x")).isEqualTo("https://other.test/x");
    }
}
