package io.talentats.email.mail;

import java.time.Duration;
import java.util.Properties;
import java.util.function.Supplier;

import io.talentats.email.api.Endpoint;

import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Jakarta Mail sessions configured the one way our bundles talk to mail servers: connect and read timeouts from the
 * product configuration, TLS as the endpoint says (STARTTLS required, never silently plain), certificate and server
 * identity checks on, extra certificates the operator trusts, TCP_NODELAY.
 *
 * <p>Inside OSGi, Jakarta Mail finds its providers, and Activation its mailcap, through the thread context class
 * loader. Every call into Jakarta Mail (connecting, sending, reading content) must therefore run inside {@link
 * #call(MailCall)}, and threads we create for mail work should start with {@link #classLoader()} as their context
 * class loader.
 */
@ProviderType
public interface MailSessions {

    /** The two protocols we speak. */
    enum Protocol {
        SMTP("smtp"),
        IMAP("imap");

        private final String prefix;

        Protocol(String prefix) {
            this.prefix = prefix;
        }

        /** The Jakarta Mail protocol name and property prefix ({@code mail.<name>.}). */
        public String protocolName() {
            return prefix;
        }
    }

    /**
     * The session properties for talking to {@code endpoint}. Callers may add to them (for example
     * {@code mail.smtp.from}) before {@link #session(Properties)}.
     */
    Properties properties(Protocol protocol, Endpoint endpoint);

    /**
     * The session properties for logging in to {@code endpoint}: those of {@link #properties(Protocol, Endpoint)},
     * and for an OAuth login the XOAUTH2 mechanism only ({@code mail.<protocol>.auth.mechanisms}), with the
     * password asked for again on every new connection ({@code mail.imap.forcepasswordrefresh}), so a connection
     * opened later (a folder's) logs in with a fresh access token from {@link #session(Properties, Supplier)}.
     */
    default Properties properties(Protocol protocol, Endpoint endpoint, boolean oauth) {
        Properties props = properties(protocol, endpoint);
        if (oauth) {
            String p = "mail." + protocol.protocolName() + ".";
            props.put(p + "auth.mechanisms", "XOAUTH2");
            props.put(p + "auth", "true");
            props.put(p + "forcepasswordrefresh", "true");
        }
        return props;
    }

    /** A new session with these properties (created with the right class loader). */
    Session session(Properties properties);

    /**
     * The one session for everyone who connects with these properties and gives the password at connect (many
     * mailboxes on one server share it: a session is some kilobytes of properties and provider tables). Jakarta Mail
     * keeps no password in a session connected that way. The properties are copied; change nothing in the
     * session's.
     */
    Session shared(Properties properties);

    /**
     * A new session whose connections, when they log in again, ask {@code secret} for the password (an OAuth
     * account's current access token); {@code null} for none.
     */
    default Session session(Properties properties, Supplier<String> secret) {
        if (secret == null) {
            return session(properties);
        }
        try {
            return call(() -> Session.getInstance(properties, new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    String value = secret.get();
                    return value == null ? null : new PasswordAuthentication(getDefaultUserName(), value);
                }
            }));
        } catch (MessagingException cannotHappen) {
            throw new IllegalStateException(cannotHappen);
        }
    }

    /** Runs {@code call} with the context class loader Jakarta Mail needs, restoring the previous one after. */
    <T> T call(MailCall<T> call) throws MessagingException;

    /** A class loader that sees Angus Mail and Angus Activation, for threads that do mail work. */
    ClassLoader classLoader();

    /** Daemon threads named {@code prefix-N} with {@link #classLoader()} as context class loader. */
    java.util.concurrent.ThreadFactory threads(String prefix);

    /** How long to wait for a connection to open. */
    Duration connectTimeout();

    /** How long to wait for a server's greeting or reply. */
    Duration readTimeout();
}
