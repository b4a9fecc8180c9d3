package io.talentats.email.discovery.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fetches small documents (autoconfig files) over HTTP(S): no redirects to other schemes, a size limit, a
 * timeout, and per-host overrides for mirrors in closed networks (and tests, which have no hosts file).
 */
class Http {

    /** An autoconfig file is a few kilobytes; anything this large is not one. */
    static final int MAX_BYTES = 256 * 1024;

    private final HttpClient client;
    private final Map<String, String> overrides;

    Http(Map<String, String> overrides, Duration connectTimeout) {
        this.overrides = new LinkedHashMap<>(overrides);
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** {@code HOST=BASE-URL} entries as a map. */
    static Map<String, String> overrides(String[] entries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : entries == null ? new String[0] : entries) {
            for (String one : e.split(",")) {
                int eq = one.indexOf('=');
                if (eq > 0) {
                    out.put(one.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT), one.substring(eq + 1).trim());
                }
            }
        }
        return out;
    }

    /** The body of a 200 answer, or empty (not found, refused, too large, too slow). */
    Optional<String> get(String url, Duration timeout) {
        URI uri = URI.create(rewrite(url));
        try {
            HttpResponse<InputStream> r = client.send(HttpRequest.newBuilder(uri).timeout(timeout)
                    .header("Accept", "application/xml, text/xml").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = r.body()) {
                if (r.statusCode() != 200) {
                    return Optional.empty();
                }
                byte[] b = in.readNBytes(MAX_BYTES + 1);
                if (b.length > MAX_BYTES) {
                    return Optional.empty();
                }
                return Optional.of(new String(b, java.nio.charset.StandardCharsets.UTF_8));
            }
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The URL with its scheme and host replaced by an override's base URL, if one names the host. */
    String rewrite(String url) {
        URI u = URI.create(url);
        String base = u.getHost() == null ? null : overrides.get(u.getHost().toLowerCase(java.util.Locale.ROOT));
        if (base == null) {
            return url;
        }
        String rest = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + rest;
    }
}
