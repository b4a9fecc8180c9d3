package io.talentats.email.itests;

import static org.junit.Assert.assertNotNull;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.Security;
import io.talentats.email.itests.support.GreenMailServer;
import io.talentats.email.itests.support.TestCertificates;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.spi.MailProvider;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.Before;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Mail scenarios in Karaf: GreenMail on loopback with a certificate the product is told to trust, the platform
 * transport pointing at it, and recruiters whose mailboxes live there.
 */
public abstract class MailTestSupport extends KarafTestSupport {

    static final String PASSWORD = "recruiter-pass";

    @Inject
    protected BundleContext context;

    @Inject
    protected AccountSettingsService settings;

    @Inject
    protected MessageHistory history;

    @Inject
    protected Connectivity connectivity;

    @Inject
    protected MailSessions sessions;

    @Inject
    protected ConfigurationAdmin configAdmin;

    static TestCertificates certs;
    /** System property naming the folder of a certificate made before Karaf started; see {@link #legacyTrust}. */
    static final String LEGACY_CERTS = "talentats.test.legacy.certs";

    /**
     * Starts Karaf as after an upgrade from a version that read the mail connection keys from the product
     * configuration: the test server's certificate trusted, and the connect timeout set, in etc/io.talentats.email.cfg.
     */
    protected static Option legacyTrust(String connectTimeoutMs) {
        TestCertificates made = TestCertificates.create();
        return org.ops4j.pax.exam.CoreOptions.composite(
                productConfig("trusted.certificates", made.pem().toString()),
                productConfig("connect.timeout.ms", connectTimeoutMs),
                org.ops4j.pax.exam.CoreOptions.systemProperty(LEGACY_CERTS).value(made.pem().getParent().toString()));
    }
    static GreenMailServer mail;

    @Before
    public void servers() throws Exception {
        if (!connectivity.isEnabled()) {
            connectivity.setEnabled(true);
            await("connectivity on", Duration.ofSeconds(10), connectivity::isEnabled);
        }
        if (mail == null) {
            String madeBeforeStart = System.getProperty(LEGACY_CERTS);
            if (madeBeforeStart != null) {
                // Trusted in the product configuration, as before io.talentats.email.mail existed: carried over
                certs = TestCertificates.in(java.nio.file.Paths.get(madeBeforeStart));
            } else {
                certs = TestCertificates.create();
                setConfig("io.talentats.email.mail", "trusted.certificates", certs.pem().toString());
            }
            await("trust configured", Duration.ofSeconds(10), () -> certs.pem().toString().equals(
                    context.getServiceReference(MailSessions.class).getProperty("trusted.certificates")));
            mail = GreenMailServer.start(certs, sessions.classLoader());
            mail.greenMail().setUser("platform@platform.test", "platform@platform.test", "platform-pass");
            Dictionary<String, Object> p = new Hashtable<>();
            p.put("host", "127.0.0.1");
            p.put("port", mail.smtpPort());
            p.put("security", "NONE");
            p.put("username", "platform@platform.test");
            p.put("password", "platform-pass");
            p.put("from.address", "noreply@platform.test");
            configAdmin.getConfiguration("io.talentats.email.platform", "?").update(p);
            await("the platform password is encrypted in its configuration", Duration.ofSeconds(10), () -> {
                Object pw = config("io.talentats.email.platform").get("password");
                return pw != null && pw.toString().startsWith("{aesgcm:");
            });
        }
    }

    protected MessageRouter router() {
        ServiceReference<MessageRouter> ref = context.getServiceReference(MessageRouter.class);
        assertNotNull("router service", ref);
        return context.getService(ref);
    }

    /** A connected recruiter whose mailbox is on the GreenMail test server. */
    protected String recruiter(String address, int smtpsPort) throws Exception {
        String user = "r-" + UUID.randomUUID();
        mail.greenMail().setUser(address, address, PASSWORD);
        settings.save(user, AccountDraft.builder().emailAddress(address).password(PASSWORD).displayName("Jane Doe")
                .smtp("localhost", smtpsPort, Security.SSL_TLS)
                .imap("localhost", mail.imapsPort(), Security.SSL_TLS).build());
        return user;
    }

    protected static OutboundMessage.Builder message(String user, MessageKind kind, String to) {
        return OutboundMessage.builder().senderUserId(user).kind(kind).to(to).subject("About your application "
                + UUID.randomUUID()).textBody("Hello,\nthanks for applying.\n").candidateId("cand-" + to)
                .senderName("Jane Doe").senderAddress("jane.doe@corp.test");
    }

    protected MessageRecord awaitStatus(String id, MessageStatus status) {
        await(id + " " + status, Duration.ofSeconds(30),
                () -> history.find(id).map(r -> r.status() == status).orElse(false));
        return history.find(id).orElseThrow();
    }

    /** The messages in the INBOX of {@code address} at the main test server. */
    protected List<MimeMessage> received(String to) {
        return inbox(mail.greenMail(), to);
    }

    protected static List<MimeMessage> inbox(GreenMail gm, String address) {
        List<MimeMessage> out = new ArrayList<>();
        GreenMailUser user = gm.getUserManager().getUser(address);
        if (user == null) {
            return out;
        }
        try {
            for (StoredMessage m : gm.getManagers().getImapHostManager().getInbox(user).getMessages()) {
                out.add(m.getMimeMessage());
            }
        } catch (FolderException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    protected MimeMessage awaitReceived(String to, String subject) {
        await(subject + " received by " + to, Duration.ofSeconds(30), () -> find(mail.greenMail(), to, subject) != null);
        return find(mail.greenMail(), to, subject);
    }

    protected static MimeMessage find(GreenMail gm, String to, String subject) {
        for (MimeMessage m : inbox(gm, to)) {
            try {
                if (subject.equals(m.getSubject())) {
                    return m;
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return null;
    }

    protected static long count(GreenMail gm, String to, String subject) {
        long n = 0;
        for (MimeMessage m : inbox(gm, to)) {
            try {
                if (subject.equals(m.getSubject())) {
                    n++;
                }
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
        return n;
    }

    /** Subjects in a folder of a GreenMail mailbox, read over IMAPS as a mail client would. */
    protected List<String> subjectsIn(String login, String folder) throws MessagingException {
        return sessions.call(() -> {
            java.util.Properties p = sessions.properties(MailSessions.Protocol.IMAP,
                    new io.talentats.email.api.Endpoint("localhost", mail.imapsPort(), Security.SSL_TLS));
            Store store = sessions.session(p).getStore("imap");
            store.connect("localhost", mail.imapsPort(), login, PASSWORD);
            try {
                Folder f = store.getFolder(folder);
                if (!f.exists()) {
                    return List.<String>of();
                }
                f.open(Folder.READ_ONLY);
                List<String> subjects = new ArrayList<>();
                for (Message m : f.getMessages()) {
                    subjects.add(m.getSubject());
                }
                f.close(false);
                return subjects;
            } finally {
                store.close();
            }
        });
    }

    protected GreenMail startSmtps(int port) {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(sessions.classLoader());
        try {
            GreenMail gm = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
            gm.start();
            return gm;
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    protected ServiceRegistration<MailProvider> preset(String id, String domain, String limit, boolean filesSentMail) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("preset.id", id);
        props.put("preset.display.name", id);
        props.put("preset.domains", new String[] {domain});
        props.put("preset.smtp.host", "localhost");
        props.put("preset.imap.host", "localhost");
        props.put("preset.files.sent.mail", filesSentMail);
        if (limit != null) {
            props.put("preset.sending.limits", new String[] {limit});
        }
        return context.registerService(MailProvider.class, new MailProvider() {}, props);
    }

    /**
     * A preset as a provider plugin declares it, whose mailboxes sign in with {@code provider}'s OAuth (its sign-in
     * endpoints are the OAuth client's, which the tests point at the local OAuth server).
     */
    protected void oauthPreset(String id, String domain, String provider, int smtpsPort, int imapsPort) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("preset.id", id);
        p.put("preset.display.name", "Test " + provider);
        p.put("preset.domains", new String[] {domain});
        p.put("preset.smtp.host", "localhost");
        p.put("preset.smtp.port", smtpsPort);
        p.put("preset.smtp.security", "SSL_TLS");
        p.put("preset.imap.host", "localhost");
        p.put("preset.imap.port", imapsPort);
        p.put("preset.imap.security", "SSL_TLS");
        p.put("preset.auth.method", "OAUTH2_ONLY");
        p.put("preset.oauth.provider", provider);
        p.put("preset.oauth.authorization.url", "https://login.example/{tenant}/authorize");
        p.put("preset.oauth.token.url", "https://login.example/{tenant}/token");
        p.put("preset.oauth.scopes", new String[] {"openid", "email", "mail"});
        context.registerService(MailProvider.class, new MailProvider() { }, p);
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    protected List<Event> collect(String topic) {
        List<Event> events = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, topic);
        context.registerService(EventHandler.class, events::add, props);
        return events;
    }

    /** Sends a candidate's message to the recruiter through the test server's SMTP; returns its Message-ID. */
    protected String reply(String from, String to, String subject, String body, String inReplyTo, String references)
            throws Exception {
        String id = "<" + UUID.randomUUID() + "@candidate.test>";
        sessions.call(() -> {
            Properties p = new Properties();
            p.put("mail.smtp.host", "127.0.0.1");
            p.put("mail.smtp.port", Integer.toString(mail.smtpPort()));
            Session s = Session.getInstance(p);
            MimeMessage m = new MimeMessage(s) {
                @Override
                protected void updateMessageID() throws jakarta.mail.MessagingException {
                    setHeader("Message-ID", id);
                }
            };
            m.setFrom(new InternetAddress(from));
            m.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
            m.setSubject(subject);
            m.setSentDate(new Date());
            if (inReplyTo != null) {
                m.setHeader("In-Reply-To", inReplyTo);
            }
            if (references != null) {
                m.setHeader("References", references);
            }
            m.setText(body, "UTF-8");
            Transport.send(m);
            return null;
        });
        return id;
    }

    protected Dictionary<String, Object> config(String pid) {
        try {
            Dictionary<String, Object> p = configAdmin.getConfiguration(pid, "?").getProperties();
            return p == null ? new Hashtable<>() : p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    protected void setConfig(String pid, String key, Object value) throws IOException {
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration(pid, "?");
        Dictionary<String, Object> p = c.getProperties() == null ? new Hashtable<>() : c.getProperties();
        p.put(key, value);
        c.update(p);
    }
}
