package io.talentats.email.mail.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificates a TLS connection may chain to: the JVM's trusted authorities plus certificates the operator
 * trusts explicitly (for example an internal mail server's self-signed one). Server identity is checked for all.
 */
final class TrustMaterial {

    private TrustMaterial() {}

    /**
     * A TLS context trusting the JVM's authorities and the certificates in {@code extraPem} (may be {@code null}).
     *
     * @throws IllegalArgumentException if the PEM file cannot be read or holds no certificate, naming the file
     */
    static SSLContext context(Path extraPem) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (X509Certificate ca : defaultTrustManager().getAcceptedIssuers()) {
                store.setCertificateEntry("jvm-" + n++, ca);
            }
            if (extraPem != null) {
                Collection<? extends Certificate> extra = readPem(extraPem);
                int i = 0;
                for (Certificate c : extra) {
                    store.setCertificateEntry("operator-" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    static Collection<? extends Certificate> readPem(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("The trusted-certificates file " + pem
                        + " holds no certificate: it should contain one or more PEM blocks "
                        + "(-----BEGIN CERTIFICATE-----)");
            }
            return certs;
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the trusted-certificates file " + pem + ": " + e, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("The trusted-certificates file " + pem
                    + " is not a PEM file of X.509 certificates: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JVM has no X.509 trust manager");
    }
}
