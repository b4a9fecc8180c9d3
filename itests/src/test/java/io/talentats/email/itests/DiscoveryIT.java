package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.net.httpserver.HttpServer;

import io.talentats.email.api.Discovered;
import io.talentats.email.api.Discovered.Source;
import io.talentats.email.api.Discovery;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Security;
import io.talentats.email.itests.support.DnsServer;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Settings from the address alone, in a real Karaf: a provider's autoconfig over HTTP (the JDK's server, reached
 * through a host override as a closed network's mirror would be), the ISP database, DNS SRV and MX answered by a
 * DNS server on a loopback port through the JDK's JNDI provider, a hostile file refused, and the REST route.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DiscoveryIT extends KarafTestSupport {

    @Inject
    private Discovery discovery;

    @Inject
    private ConfigurationAdmin configAdmin;

    private static HttpServer http;
    private static DnsServer dns;
    private static final Map<String, String> files = new ConcurrentHashMap<>();

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email-web"),
            editConfigurationFilePut("etc/users.properties", "karaf", "karaf,admin")
        };
    }

    static String clientConfig(String imap, int imapPort, String smtp, int smtpPort, String username) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\"><emailProvider id=\"t\">"
                + "<incomingServer type=\"imap\"><hostname>" + imap + "</hostname><port>" + imapPort + "</port>"
                + "<socketType>SSL</socketType><username>" + username + "</username></incomingServer>"
                + "<outgoingServer type=\"smtp\"><hostname>" + smtp + "</hostname><port>" + smtpPort + "</port>"
                + "<socketType>STARTTLS</socketType><username>" + username + "</username></outgoingServer>"
                + "</emailProvider></clientConfig>";
    }

    @Before
    public void servers() throws Exception {
        if (http != null) {
            return;
        }
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", ex -> {
            String body = files.get(ex.getRequestURI().getPath());
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : b.length);
            if (body != null) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            }
            ex.close();
        });
        http.start();
        dns = DnsServer.start();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        files.put("/mail/config-v1.1.xml", clientConfig("imap.acme.test", 993, "smtp.acme.test", 587,
                "%EMAILLOCALPART%"));
        files.put("/v1.1/isp.test", clientConfig("imap.isp.test", 993, "smtp.isp.test", 587, "%EMAILADDRESS%"));
        files.put("/v1.1/hostile.test", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM "
                + "\"file:///etc/passwd\">]>" + clientConfig("imap.hostile.test", 993, "smtp.hostile.test", 587, "&e;")
                .substring(38));
        dns.srv("_imaps._tcp.srv.test", new DnsServer.Srv(0, 1, 993, "mail.srv.test"));
        dns.srv("_submissions._tcp.srv.test", new DnsServer.Srv(0, 1, 0, "."));
        dns.srv("_submission._tcp.srv.test", new DnsServer.Srv(0, 1, 587, "mail.srv.test"));
        dns.mx("workspace.test", "aspmx.l.google.com", "alt1.aspmx.l.google.com");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("dns.server", "127.0.0.1:" + dns.port());
        p.put("ispdb.url", base + "/v1.1/");
        p.put("host.overrides", new String[] {"autoconfig.acme.test=" + base});
        p.put("guess", false);
        p.put("source.timeout.ms", 1000);
        p.put("total.timeout.ms", 4000);
        configAdmin.getConfiguration("io.talentats.email.discovery", "?").update(p);
        await("discovery configured", Duration.ofSeconds(15), () -> {
            try {
                return discovery.discover("a@isp.test").source() == Source.ISP_DATABASE;
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    @Test
    public void theProvidersAutoconfigFillsTheServersAndTheUsername() {
        Discovered d = discovery.discover("jane@acme.test");
        assertEquals(Source.AUTOCONFIG, d.source());
        assertEquals(new Endpoint("imap.acme.test", 993, Security.SSL_TLS), d.imap());
        assertEquals(new Endpoint("smtp.acme.test", 587, Security.STARTTLS), d.smtp());
        assertEquals("jane", d.username());
        assertFalse(d.confirmationNeeded());
    }

    @Test
    public void theIspDatabaseOverPlainHttpNeedsConfirmation() {
        Discovered d = discovery.discover("jo@isp.test");
        assertEquals(Source.ISP_DATABASE, d.source());
        assertEquals("jo@isp.test", d.username());
        assertTrue("a mirror over plain HTTP is unverified", d.confirmationNeeded());
    }

    @Test
    public void dnsSrvAndMxAnswerThroughJndi() {
        Discovered srv = discovery.discover("a@srv.test");
        assertEquals(srv.sourceDetail(), Source.DNS_SRV, srv.source());
        assertEquals(new Endpoint("mail.srv.test", 993, Security.SSL_TLS), srv.imap());
        assertEquals("the '.' target means implicit TLS submission is not offered",
                new Endpoint("mail.srv.test", 587, Security.STARTTLS), srv.smtp());
        Discovered mx = discovery.discover("a@workspace.test");
        assertEquals(Source.MX, mx.source());
        assertEquals("google-workspace", mx.presetId());
        assertTrue(mx.sourceDetail(), mx.sourceDetail().contains("Google Workspace"));
    }

    @Test
    public void aHostileFileIsRefusedAndNothingFoundSaysSoInTime() {
        long start = System.nanoTime();
        Discovered d = discovery.discover("a@hostile.test");
        assertFalse(d.found());
        assertNull(d.smtp());
        assertTrue("bounded", Duration.ofNanos(System.nanoTime() - start).toMillis() < 6000);
    }

    @Test
    public void theRestRouteAnswersJsonAndRefusesANonAddress() throws Exception {
        String port = String.valueOf(configAdmin.getConfiguration("org.ops4j.pax.web", "?").getProperties()
                .get("org.osgi.service.http.port"));
        // The API servlet comes up with the store behind it, which this class does not wait for elsewhere
        await("the REST API", Duration.ofSeconds(60), () -> {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://localhost:" + port
                        + "/talentats-email/api/presets").toURL().openConnection();
                c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "karaf:karaf".getBytes(StandardCharsets.UTF_8)));
                return c.getResponseCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        String ok = get("http://localhost:" + port + "/talentats-email/api/discover?address=a@srv.test", 200);
        assertTrue(ok, ok.contains("\"source\":\"DNS_SRV\"") && ok.contains("mail.srv.test"));
        String bad = get("http://localhost:" + port + "/talentats-email/api/discover?address=not-an-address", 400);
        assertTrue(bad, bad.contains("name@domain"));
    }

    private static String get(String url, int status) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                "karaf:karaf".getBytes(StandardCharsets.UTF_8)));
        int got = c.getResponseCode();
        try (InputStream in = got >= 400 ? c.getErrorStream() : c.getInputStream()) {
            String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(url + ": " + body, status, got);
            return body;
        }
    }
}
