package io.talentats.email.mail.internal;

import java.net.InetAddress;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;

import io.talentats.email.api.Endpoint;
import io.talentats.email.mail.MailCall;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.runtime.TlsTrust;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link MailSessions} on Eclipse Angus Mail. */
@Component(service = {MailSessions.class, TlsTrust.class}, configurationPid = MailConfig.PID)
@Designate(ocd = MailConfig.class)
public class AngusMailSessions implements MailSessions, TlsTrust {

    private static final Logger LOG = LoggerFactory.getLogger(AngusMailSessions.class);

    private final ClassLoader classLoader;
    private final NoDelaySocketFactory plainSockets = new NoDelaySocketFactory();
    private final String ehloName;
    private volatile Settings settings;
    /** {@link #shared} sessions by their properties; made anew when the configuration changes. */
    private volatile Map<Properties, Session> shared = new ConcurrentHashMap<>();
    /** More distinct servers than any deployment talks to at once. */
    private static final int MAX_SHARED = 1000;

    /** What a configuration change replaces at once. */
    private record Settings(Duration connectTimeout, Duration readTimeout, SSLContext tls, TlsSocketFactory tlsSockets) {}

    @Activate
    public AngusMailSessions(MailConfig config) {
        this.classLoader = new MailClassLoader(
                org.eclipse.angus.mail.smtp.SMTPTransport.class.getClassLoader(),
                org.eclipse.angus.activation.MailcapRegistryProviderImpl.class.getClassLoader(),
                Session.class.getClassLoader(),
                jakarta.activation.DataHandler.class.getClassLoader());
        this.ehloName = localHostName();
        modified(config);
    }

    @Modified
    void modified(MailConfig config) {
        shared = new ConcurrentHashMap<>();
        SSLContext tls;
        String pem = config.trusted_certificates();
        if (pem == null || pem.isBlank()) {
            tls = TrustMaterial.context(null);
        } else {
            try {
                tls = TrustMaterial.context(Paths.get(pem.trim()));
                LOG.info("Trusting the certificates in {} in addition to the JVM's authorities", pem.trim());
            } catch (IllegalArgumentException e) {
                LOG.error("{}. Only the JVM's trusted authorities are used until this is fixed (configuration {}, "
                        + "key trusted.certificates)", e.getMessage(), MailConfig.PID);
                tls = TrustMaterial.context(null);
            }
        }
        this.settings = new Settings(Duration.ofMillis(Math.max(1000, config.connect_timeout_ms())),
                Duration.ofMillis(Math.max(1000, config.read_timeout_ms())), tls, new TlsSocketFactory(tls));
    }

    @Override
    public SSLContext context() {
        return settings.tls();
    }

    @Override
    public java.util.concurrent.ThreadFactory threads(String prefix) {
        return io.talentats.email.support.Threads.daemon(prefix, classLoader);
    }

    @Override
    public Properties properties(Protocol protocol, Endpoint endpoint) {
        Settings s = settings;
        String p = "mail." + protocol.protocolName() + ".";
        Properties props = new Properties();
        props.put("mail.transport.protocol", "smtp");
        props.put(p + "host", endpoint.host());
        props.put(p + "port", Integer.toString(endpoint.port()));
        props.put(p + "connectiontimeout", Long.toString(s.connectTimeout().toMillis()));
        props.put(p + "timeout", Long.toString(s.readTimeout().toMillis()));
        props.put(p + "socketFactory", plainSockets);
        // Never retry without our factories: that would drop our trust settings and double every timeout.
        props.put(p + "socketFactory.fallback", "false");
        props.put(p + "ssl.socketFactory", s.tlsSockets());
        props.put(p + "ssl.checkserveridentity", "true");
        switch (endpoint.security()) {
            case SSL_TLS -> props.put(p + "ssl.enable", "true");
            case STARTTLS -> {
                props.put(p + "starttls.enable", "true");
                props.put(p + "starttls.required", "true");
            }
            case NONE -> {
                // plain text, allowed only where the operator opted in when the account was saved
            }
        }
        if (protocol == Protocol.SMTP) {
            props.put("mail.smtp.localhost", ehloName);
            props.put("mail.smtp.quitwait", "false");
        } else {
            // Read with BODY.PEEK: collecting replies never marks the recruiter's mail as read.
            props.put("mail.imap.peek", "true");
        }
        return props;
    }

    @Override
    public Session session(Properties properties) {
        try {
            return call(() -> Session.getInstance(properties));
        } catch (MessagingException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    @Override
    public Session shared(Properties properties) {
        Properties key = new Properties();
        key.putAll(properties);
        Map<Properties, Session> cache = shared;
        Session s = cache.get(key);
        if (s != null) {
            return s;
        }
        if (cache.size() >= MAX_SHARED) {
            cache.clear(); // as many distinct servers as that: start again rather than grow without end
        }
        return cache.computeIfAbsent(key, this::session);
    }

    @Override
    public <T> T call(MailCall<T> call) throws MessagingException {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(classLoader);
        try {
            return call.call();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    @Override
    public ClassLoader classLoader() {
        return classLoader;
    }

    @Override
    public Duration connectTimeout() {
        return settings.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return settings.readTimeout();
    }

    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getCanonicalHostName();
            return name == null || name.isBlank() ? "localhost" : name;
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }
}
