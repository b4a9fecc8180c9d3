package io.talentats.email.itests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-signed certificate for {@code localhost} only (no IP address), made with the JDK's keytool: a server using
 * it is untrusted until the operator trusts the PEM file, and reached as 127.0.0.1 its name does not match.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit";

    private final Path keyStore;
    private final Path pem;

    private TestCertificates(Path keyStore, Path pem) {
        this.keyStore = keyStore;
        this.pem = pem;
    }

    /** The certificate made earlier in {@code dir} by {@link #create()} (in the test runner, say, before Karaf starts). */
    public static TestCertificates in(Path dir) {
        return new TestCertificates(dir.resolve("server.p12"), dir.resolve("server.pem"));
    }

    public static synchronized TestCertificates create() {
        try {
            Path dir = Files.createTempDirectory("talentats-certs");
            Path p12 = dir.resolve("server.p12");
            Path pem = dir.resolve("server.pem");
            keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30",
                    "-dname", "CN=localhost", "-ext", "SAN=dns:localhost", "-keystore", p12.toString(),
                    "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", p12.toString(), "-storepass", PASSWORD,
                    "-file", pem.toString());
            return new TestCertificates(p12, pem);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path keyStore() {
        return keyStore;
    }

    /** A server's TLS with this certificate. */
    public javax.net.ssl.SSLContext sslContext() throws java.security.GeneralSecurityException, IOException {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** The certificate, for the operator's trusted-certificates setting. */
    public Path pem() {
        return pem;
    }

    private static void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (p.waitFor() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
