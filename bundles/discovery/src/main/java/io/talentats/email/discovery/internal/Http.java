package io.talentats.email.discovery.internal;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

    /**
     * A fetched document and where it really came from: {@code redirectedTo} is the host a redirect led to when that
     * is not the host asked, else {@code null}.
     */
    record Page(String body, String redirectedTo) {}

    /** An autoconfig file is a few kilobytes; anything this large is not one. */
    static final int MAX_BYTES = 256 * 1024;

    private final Map<String, String> overrides;
    private final io.talentats.email.support.TrustedHttpClient client;

    Http(Map<String, String> overrides, Duration connectTimeout) {
        this(overrides, connectTimeout, () -> null);
    }

    /** @param trust the TLS trust to use (the operator's trusted certificates); {@code null} for the JVM's */
    Http(Map<String, String> overrides, Duration connectTimeout,
            java.util.function.Supplier<javax.net.ssl.SSLContext> trust) {
        this.overrides = new LinkedHashMap<>(overrides);
        this.client = new io.talentats.email.support.TrustedHttpClient(trust, b -> b.connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL));
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

    /**
     * The body of a 200 answer, or empty (not found, refused, too large, too slow). {@code timeout} bounds the whole
     * exchange, body included: a server that sends its headers and then stalls is abandoned at the deadline and its
     * connection closed, so no thread waits on it and no socket stays open. Redirects are followed (never from
     * HTTPS to HTTP), and a page that another host answered says which.
     */
    Optional<Page> get(String url, Duration timeout) {
        URI uri;
        try {
            uri = URI.create(rewrite(url));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        CompletableFuture<HttpResponse<byte[]>> exchange = client.get().sendAsync(HttpRequest.newBuilder(uri)
                .timeout(timeout).header("Accept", "application/xml, text/xml").GET().build(),
                info -> info.statusCode() == 200 ? limited(MAX_BYTES)
                        : HttpResponse.BodySubscribers.replacing(new byte[0]));
        try {
            HttpResponse<byte[]> r = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (r.statusCode() != 200 || r.body().length > MAX_BYTES) {
                return Optional.empty();
            }
            String asked = uri.getHost() == null ? "" : uri.getHost();
            String answered = r.uri().getHost() == null ? "" : r.uri().getHost();
            return Optional.of(new Page(new String(r.body(), java.nio.charset.StandardCharsets.UTF_8),
                    answered.equalsIgnoreCase(asked) ? null : answered.toLowerCase(java.util.Locale.ROOT)));
        } catch (TimeoutException | ExecutionException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            // Cancelling ends the exchange and closes its connection (a no-op once it completed)
            exchange.cancel(true);
        }
    }

    /** Collects a body up to {@code max} bytes; one more byte and it stops reading (the caller refuses it). */
    static HttpResponse.BodySubscriber<byte[]> limited(int max) {
        return new HttpResponse.BodySubscriber<>() {
            private final CompletableFuture<byte[]> body = new CompletableFuture<>();
            private final java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            private Flow.Subscription subscription;

            @Override
            public CompletionStage<byte[]> getBody() {
                return body;
            }

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> items) {
                for (ByteBuffer b : items) {
                    byte[] chunk = new byte[b.remaining()];
                    b.get(chunk);
                    read.writeBytes(chunk);
                }
                if (read.size() > max) {
                    subscription.cancel();
                    body.complete(read.toByteArray());
                }
            }

            @Override
            public void onError(Throwable t) {
                body.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                body.complete(read.toByteArray());
            }
        };
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
