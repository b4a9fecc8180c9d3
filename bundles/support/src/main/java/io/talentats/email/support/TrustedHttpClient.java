package io.talentats.email.support;

import java.net.http.HttpClient;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import javax.net.ssl.SSLContext;

/**
 * An HTTP client that trusts what the operator trusts: made with the TLS context {@code trust} gives (the JVM's when
 * it gives {@code null}), and made again when that context changes (the operator changed the trusted certificates).
 */
public final class TrustedHttpClient {

    private final Supplier<SSLContext> trust;
    private final UnaryOperator<HttpClient.Builder> settings;
    private volatile Made made;

    private record Made(HttpClient client, SSLContext tls) {}

    /** @param settings the client's own settings (timeouts, redirects), applied to each new builder */
    public TrustedHttpClient(Supplier<SSLContext> trust, UnaryOperator<HttpClient.Builder> settings) {
        this.trust = trust;
        this.settings = settings;
    }

    /** The client for the trust as it is now. */
    public HttpClient get() {
        SSLContext tls = trust.get();
        Made m = made;
        if (m == null || m.tls() != tls) {
            HttpClient.Builder b = settings.apply(HttpClient.newBuilder());
            m = new Made((tls == null ? b : b.sslContext(tls)).build(), tls);
            made = m;
        }
        return m.client();
    }
}
