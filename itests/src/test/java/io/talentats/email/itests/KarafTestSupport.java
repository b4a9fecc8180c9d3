package io.talentats.email.itests;

import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.maven;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.vmOptions;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.features;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.ProbeBuilder;
import org.ops4j.pax.exam.TestProbeBuilder;
import org.osgi.framework.Constants;
import org.ops4j.pax.exam.karaf.options.LogLevelOption.LogLevel;
import org.ops4j.pax.exam.options.MavenArtifactUrlReference;

/**
 * What every integration test shares: a stock Karaf 4.4.10 started with the flags bin/karaf passes on Java 17,
 * Maven resolution from the local repository only, free ports, and our feature repository.
 */
public abstract class KarafTestSupport {

    static final String VERSION = System.getProperty("project.version");
    static final String KARAF_VERSION = System.getProperty("karaf.version", "4.4.10");
    static final String LOCAL_REPO = System.getProperty("org.ops4j.pax.url.mvn.localRepository");

    /** The runtime of a test class with our features repository added and {@code features} installed. */
    protected static Option karaf(String... featureNames) {
        MavenArtifactUrlReference karaf = maven().groupId("org.apache.karaf").artifactId("apache-karaf")
                .version(KARAF_VERSION).type("tar.gz");
        MavenArtifactUrlReference repo = maven().groupId("io.talentats.email").artifactId("features")
                .version(VERSION).classifier("features").type("xml");
        return composite(
                karafDistributionConfiguration().frameworkUrl(karaf).name("Apache Karaf")
                        .unpackDirectory(new File("target/exam")).useDeployFolder(false),
                keepRuntimeFolder(),
                configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
                logLevel(LogLevel.INFO),
                vmOptions(java17Flags()),
                // The client compiler only: a test Karaf starts more than it runs hot (boot about a quarter faster)
                vmOptions("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                systemProperty("pax.exam.service.timeout").value("30000"),
                systemProperty("project.version").value(VERSION),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.localRepository",
                        LOCAL_REPO),
                editConfigurationFilePut("etc/org.ops4j.pax.url.mvn.cfg", "org.ops4j.pax.url.mvn.repositories",
                        "https://repo1.maven.org/maven2@id=central"),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiRegistryPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.management.cfg", "rmiServerPort", freePort()),
                editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", freePort()),
                editConfigurationFilePut("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", freePort()),
                // The health watch's notices are SelfServiceIT's business; elsewhere they would be extra mail
                editConfigurationFilePut("etc/io.talentats.email.health.cfg", "notify.recruiter", "false"),
                features(repo, featureNames));
    }

    /** The module flags bin/karaf sets on Java 9+; pax-exam adds none of them. */
    static String[] java17Flags() {
        String v = KARAF_VERSION;
        return new String[] {
            "--add-reads=java.xml=java.logging",
            "--add-exports=java.base/org.apache.karaf.specs.locator=java.xml,ALL-UNNAMED",
            "--patch-module", "java.base=lib/endorsed/org.apache.karaf.specs.locator-" + v + ".jar",
            "--patch-module", "java.xml=lib/endorsed/org.apache.karaf.specs.java.xml-" + v + ".jar",
            "--add-opens", "java.base/java.security=ALL-UNNAMED",
            "--add-opens", "java.base/java.net=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.util=ALL-UNNAMED",
            "--add-opens", "java.naming/javax.naming.spi=ALL-UNNAMED",
            "--add-opens", "java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.file=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.ftp=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.http=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.https=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.protocol.jar=ALL-UNNAMED",
            "--add-exports=java.base/sun.net.www.content.text=ALL-UNNAMED",
            "--add-exports=jdk.xml.dom/org.w3c.dom.html=ALL-UNNAMED",
            "--add-exports=jdk.naming.rmi/com.sun.jndi.url.rmi=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.sasl/com.sun.security.sasl=ALL-UNNAMED",
            "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED",
        };
    }

    /** The probe may use our internal contracts, like our own bundles do. */
    @ProbeBuilder
    public TestProbeBuilder probe(TestProbeBuilder probe) {
        probe.setHeader(Constants.DYNAMICIMPORT_PACKAGE,
                "*,io.talentats.email.runtime;talentats=internal,io.talentats.email.mail;talentats=internal");
        return probe;
    }

    /** Sets a key of the product configuration (etc/io.talentats.email.cfg) before Karaf starts. */
    protected static Option productConfig(String key, String value) {
        return editConfigurationFilePut("etc/io.talentats.email.cfg", key, value);
    }

    /** Sets a key of the mail connection configuration (etc/io.talentats.email.mail.cfg) before Karaf starts. */
    protected static Option mailConfig(String key, String value) {
        return editConfigurationFilePut("etc/io.talentats.email.mail.cfg", key, value);
    }

    /** Sets a key of any configuration file under etc/ before Karaf starts. */
    protected static Option etcConfig(String pid, String key, String value) {
        return editConfigurationFilePut("etc/" + pid + ".cfg", key, value);
    }

    /** A port nothing listens on right now. */
    protected static String freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return Integer.toString(s.getLocalPort());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code condition} holds, failing with {@code what} after {@code timeout}. */
    protected static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            if (Thread.interrupted()) {
                throw new AssertionError("Interrupted waiting for: " + what);
            }
        }
    }
}
