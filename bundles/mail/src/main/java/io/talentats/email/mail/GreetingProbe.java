package io.talentats.email.mail;

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
 * Finds out what a port speaks: TLS from the first byte, or a plain-text greeting. Used to tell the recruiter which
 * setting to choose (Test Connection) and to find servers by guessing (discovery); it sends no credentials and no
 * data, so the handshake here accepts any certificate (a real connection never does).
 */
public final class GreetingProbe {

    private GreetingProbe() {}

    /** Whether {@code host:port} completes a TLS handshake straight away (implicit TLS: SMTP 465, IMAP 993). */
    public static boolean speaksTlsFirst(String host, int port, int timeoutMs) {
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

    /** What a fresh connection to a port showed within the probe's time. */
    public enum Answer {
        /** It could not be opened: the real check will say why (refused, unreachable). */
        NO_CONNECTION,
        /** It opened, but no greeting came (over TLS: the handshake or the greeting did not complete). */
        SILENT,
        /** A greeting came, with the security asked for. */
        GREETED
    }

    /** Opens {@code host:port} as {@code tls} says (handshake first, or plain) and waits for a greeting. */
    public static Answer greeting(String host, int port, boolean tls, int timeoutMs) {
        try (Socket plain = new Socket()) {
            try {
                plain.connect(new InetSocketAddress(host, port), timeoutMs);
            } catch (IOException e) {
                return Answer.NO_CONNECTION;
            }
            plain.setSoTimeout(timeoutMs);
            if (!tls) {
                return greeting(plain.getInputStream()) ? Answer.GREETED : Answer.SILENT;
            }
            try (SSLSocket s = (SSLSocket) detector().getSocketFactory().createSocket(plain, host, port, false)) {
                s.startHandshake();
                return greeting(s.getInputStream()) ? Answer.GREETED : Answer.SILENT;
            }
        } catch (IOException | GeneralSecurityException e) {
            return Answer.SILENT;
        }
    }

    private static boolean greeting(InputStream in) throws IOException {
        byte[] buf = new byte[4];
        int n = in.readNBytes(buf, 0, 4);
        String start = new String(buf, 0, n, StandardCharsets.US_ASCII);
        return start.startsWith("220") || start.startsWith("* OK") || start.startsWith("* PR");
    }

    /** Whether {@code host:port} greets in plain text ({@code 220} for SMTP, {@code * OK} for IMAP). */
    public static boolean greetsInPlainText(String host, int port, int timeoutMs) {
        return greeting(host, port, false, timeoutMs) == Answer.GREETED;
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
