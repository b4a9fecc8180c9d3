package io.talentats.email.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real HTTP on loopback: where a page really came from, and the size limit. */
class HttpTest {

    private HttpServer server;

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aRedirectToAnotherHostIsFollowedAndNamed() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        int port = server.getAddress().getPort();
        server.createContext("/mail/config-v1.1.xml", ex -> {
            ex.getResponseHeaders().add("Location", "http://localhost:" + port + "/real.xml");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/real.xml", ex -> answer(ex, "<clientConfig/>"));
        server.createContext("/same.xml", ex -> answer(ex, "<clientConfig/>"));
        server.createContext("/huge.xml", ex -> answer(ex, "x".repeat(Http.MAX_BYTES + 10)));
        server.start();
        Http http = new Http(Map.of("autoconfig.moved.test", "http://127.0.0.1:" + port), Duration.ofSeconds(2));

        Http.Page moved = http.get("http://autoconfig.moved.test/mail/config-v1.1.xml", Duration.ofSeconds(2))
                .orElseThrow();
        assertThat(moved.body()).isEqualTo("<clientConfig/>");
        assertThat(moved.redirectedTo()).isEqualTo("localhost");
        assertThat(http.get("http://autoconfig.moved.test/same.xml", Duration.ofSeconds(2)).orElseThrow()
                .redirectedTo()).isNull();
        assertThat(http.get("http://autoconfig.moved.test/huge.xml", Duration.ofSeconds(2))).isEmpty();
        assertThat(http.get("http://autoconfig.moved.test/missing.xml", Duration.ofSeconds(2))).isEmpty();
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
