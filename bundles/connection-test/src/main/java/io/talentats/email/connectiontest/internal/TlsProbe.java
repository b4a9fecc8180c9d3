package io.talentats.email.connectiontest.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Finds out what a port speaks when the configured security did not work: TLS from the first byte, or a plain-text
 * greeting. Only used to tell the recruiter which setting to choose; it sends no credentials and no data, so the
 * handshake here accepts any certificate (the real connection never does).
 */
final class TlsProbe {

    private TlsProbe() {}

    /** Whether {@code host:port} completes a TLS handshake straight away (implicit TLS: SMTP 465, IMAP 993). */
    static boolean speaksTlsFirst(String host, int port, int timeoutMs) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), timeoutMs);
            plain.setSoTimeout(timeoutMs);
            try (SSLSocket tls = (SSLSocket) detector().getSocketFactory().createSocket(plain, host, port, false)) {
                tls.startHandshake();
                return true;
            }
        } catch (IOException | GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether {@code host:port} greets in plain text ({@code 220} for SMTP, {@code * OK} for IMAP). */
    static boolean greetsInPlainText(String host, int port, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4];
            int n = in.readNBytes(buf, 0, 4);
            String start = new String(buf, 0, n, StandardCharsets.US_ASCII);
            return start.startsWith("220") || start.startsWith("* OK") || start.startsWith("* PR");
        } catch (IOException e) {
            return false;
        }
    }

    private static SSLContext detector() throws GeneralSecurityException {
        TrustManager acceptAny = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {acceptAny}, null);
        return ctx;
    }
}
