package io.talentats.email.sandbox.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.talentats.email.mail.MailSessions;
import io.talentats.email.support.ConfigValues;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox's mail server: GreenMail SMTP and IMAP on 127.0.0.1 with the configured mailboxes. Every message sent
 * to the SMTP port is delivered to the local mailbox it is addressed to. A configuration change restarts it.
 */
@Component(service = SandboxMailServer.class, immediate = true, configurationPid = SandboxConfig.PID)
@Designate(ocd = SandboxConfig.class)
public class SandboxMailServer {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxMailServer.class);
    static final String HOST = "127.0.0.1";

    private final GreenMail greenMail;
    private final MailSessions sessions;

    @Activate
    public SandboxMailServer(@Reference MailSessions sessions, SandboxConfig config) {
        this.sessions = sessions;
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        // GreenMail's threads inherit the loader, and need Angus's to parse MIME inside OSGi.
        t.setContextClassLoader(sessions.classLoader());
        try {
            greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(config.smtp_port(), HOST, ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(config.imap_port(), HOST, ServerSetup.PROTOCOL_IMAP)
            });
            try {
                greenMail.start();
                for (String entry : mailboxes(config)) {
                    int colon = entry.lastIndexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("Sandbox mailbox \"" + entry
                                + "\" must be address:password");
                    }
                    String address = entry.substring(0, colon).trim();
                    greenMail.setUser(address, address, entry.substring(colon + 1));
                }
            } catch (RuntimeException e) {
                // A port in use or a bad mailbox entry: leave no server thread behind
                greenMail.stop();
                throw e;
            }
        } finally {
            t.setContextClassLoader(previous);
        }
        LOG.info("Sandbox mail server on {}: SMTP port {}, IMAP port {}, mailboxes {}", HOST, config.smtp_port(),
                config.imap_port(), addresses(config));
    }

    @Deactivate
    void deactivate() {
        greenMail.stop();
    }

    /** The address:password entries, whether an array or (from a .cfg file) one comma-separated string. */
    private static List<String> mailboxes(SandboxConfig config) {
        return ConfigValues.list(config.mailboxes());
    }

    private static List<String> addresses(SandboxConfig config) {
        List<String> out = new ArrayList<>();
        for (String entry : mailboxes(config)) {
            out.add(entry.substring(0, Math.max(0, entry.lastIndexOf(':'))).trim());
        }
        return out;
    }

    int smtpPort() {
        return greenMail.getSmtp().getPort();
    }

    MailSessions sessions() {
        return sessions;
    }

    /** The messages in a mailbox's inbox, newest first. */
    List<MimeMessage> inbox(String address) throws MessagingException, FolderException {
        GreenMailUser user = greenMail.getUserManager().getUser(address);
        if (user == null) {
            throw new IllegalArgumentException("The sandbox has no mailbox " + address);
        }
        List<MimeMessage> out = new ArrayList<>();
        // Stored in arrival order
        var box = greenMail.getManagers().getImapHostManager().getInbox(user);
        for (var stored : box.getMessages()) {
            out.add(stored.getMimeMessage());
        }
        Collections.reverse(out);
        return out;
    }
}
