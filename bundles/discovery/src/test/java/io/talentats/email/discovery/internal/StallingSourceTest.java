package io.talentats.email.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

import io.talentats.email.api.Discovered;
import io.talentats.email.mail.GreetingProbe;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/**
 * A web server that sends the headers of an autoconfig file and then stalls (never sends the body, never closes):
 * the lookup abandons it at the source timeout and still answers from DNS SRV, and after a hundred lookups no
 * thread of the lookups is left and every connection to that server is closed.
 */
class StallingSourceTest {

    private static final int LOOKUPS = 100;
    private final List<Socket> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
    private ServerSocket server;
    private Thread acceptor;
    private AutoDiscovery discovery;

    @AfterEach
    void stop() throws IOException {
        if (discovery != null) {
            discovery.deactivate();
        }
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    private void stallingServer() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    // Read the request, answer the headers of a 2 KiB body, then say nothing more
                    InputStream in = s.getInputStream();
                    byte[] buf = new byte[4096];
                    in.read(buf);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 2048\r\n\r\n<?xml versi")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException e) {
                    return;
                }
            }
        }, "stalling-http");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @Test
    void aStalledSourceIsAbandonedAtItsTimeoutAndLeavesNothingBehind() throws Exception {
        stallingServer();
        String base = "http://127.0.0.1:" + server.getLocalPort();
        List<String> overrides = new ArrayList<>();
        AutoDiscoveryTest.ScriptedDns dns = new AutoDiscoveryTest.ScriptedDns();
        for (int i = 0; i < LOOKUPS; i++) {
            String domain = "d" + i + ".stall.test";
            overrides.add("autoconfig." + domain + "=" + base);
            overrides.add(domain + "=" + base);
            dns.srv.put("_imaps._tcp." + domain, List.of(new Dns.Srv(0, 1, 993, "imap." + domain)));
            dns.srv.put("_submissions._tcp." + domain, List.of(new Dns.Srv(0, 1, 465, "smtp." + domain)));
        }
        overrides.add("ispdb.stall.test=" + base);
        Map<String, Object> c = new HashMap<>();
        c.put("ispdb.url", "https://ispdb.stall.test/v1.1/");
        c.put("source.timeout.ms", 300);
        c.put("total.timeout.ms", 5000);
        c.put("guess", false);
        c.put("host.overrides", String.join(",", overrides));
        DiscoveryConfig config = Converters.standardConverter().convert(c).to(DiscoveryConfig.class);
        discovery = new AutoDiscovery(config, new AutoDiscoveryTest.Presets(),
                new Http(Http.overrides(config.host_overrides()), Duration.ofMillis(300)), dns,
                (host, port, tls, timeout) -> GreetingProbe.Answer.NO_CONNECTION);

        long t0 = System.nanoTime();
        Discovered first = discovery.discover("rita@d0.stall.test");
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertThat(first.found()).as(first.sourceDetail()).isTrue();
        assertThat(first.source()).isEqualTo(Discovered.Source.DNS_SRV);
        assertThat(first.imap().host()).isEqualTo("imap.d0.stall.test");
        assertThat(took).as("ms: the source timeout and a little, not the total timeout").isLessThan(2000);

        ExecutorService callers = Executors.newFixedThreadPool(10);
        try {
            List<Future<Discovered>> all = new ArrayList<>();
            for (int i = 1; i < LOOKUPS; i++) {
                String address = "rita@d" + i + ".stall.test";
                all.add(callers.submit(() -> discovery.discover(address)));
            }
            for (Future<Discovered> f : all) {
                assertThat(f.get().source()).isEqualTo(Discovered.Source.DNS_SRV);
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(accepted).as("the stalling server was asked").hasSizeGreaterThanOrEqualTo(LOOKUPS);
        // Every connection to it closed by us, and no lookup thread left waiting on one
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (openConnections() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        assertThat(openConnections()).as("connections the client left open").isZero();
        assertThat(blockedOnBodies()).as("threads still reading a body").isEmpty();
        // The pools' threads may linger idle for a while (that is what a pool is for); none is still at work
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!busyLookupThreads().isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        assertThat(busyLookupThreads()).as("lookup threads still at work").isEmpty();
    }

    /** Connections whose client end is still open: a read would block, where a closed one answers -1 at once. */
    private int openConnections() throws IOException {
        int open = 0;
        for (Socket s : new ArrayList<>(accepted)) {
            if (s.isClosed()) {
                continue;
            }
            s.setSoTimeout(1);
            try {
                if (s.getInputStream().read() < 0) {
                    s.close();
                    continue;
                }
            } catch (java.net.SocketTimeoutException stillOpen) {
                open++;
                continue;
            } catch (IOException reset) {
                s.close();
                continue;
            }
            open++;
        }
        return open;
    }

    /** Threads of the lookups (the probes' pool, the HTTP client's workers) that are not idle in their pool. */
    private static List<String> busyLookupThreads() {
        List<String> out = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            boolean ours = t.getName().startsWith("talentats-discovery-probe") || t.getName().contains("-Worker-");
            boolean idle = java.util.Arrays.stream(stack).anyMatch(e -> e.getMethodName().equals("getTask"));
            if (ours && t.isAlive() && !idle) {
                out.add(t.getName() + " " + java.util.Arrays.toString(java.util.Arrays.copyOf(stack,
                        Math.min(4, stack.length))));
            }
        });
        return out;
    }

    private static List<String> blockedOnBodies() {
        List<String> out = new ArrayList<>();
        Thread.getAllStackTraces().forEach((t, stack) -> {
            for (StackTraceElement e : stack) {
                if (e.getMethodName().equals("readNBytes") || e.getClassName().contains("HttpInputStream")) {
                    out.add(t.getName());
                    break;
                }
            }
        });
        return out;
    }
}
