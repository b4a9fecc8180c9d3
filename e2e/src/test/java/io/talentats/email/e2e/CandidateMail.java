package io.talentats.email.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

/** The candidate's side: reads the sandbox mailbox over IMAP and answers over SMTP, as a mail client does. */
final class CandidateMail {

    static final String ADDRESS = "candidate@sandbox.test";
    static final String PASSWORD = "sandbox";

    private final SandboxKaraf karaf;

    CandidateMail(SandboxKaraf karaf) {
        this.karaf = karaf;
    }

    private Session session() {
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", "127.0.0.1");
        p.setProperty("mail.smtp.port", Integer.toString(karaf.smtpPort));
        p.setProperty("mail.imap.host", "127.0.0.1");
        p.setProperty("mail.imap.port", Integer.toString(karaf.imapPort));
        p.setProperty("mail.imap.connectiontimeout", "10000");
        p.setProperty("mail.imap.timeout", "10000");
        p.setProperty("mail.smtp.connectiontimeout", "10000");
        p.setProperty("mail.smtp.timeout", "10000");
        return Session.getInstance(p);
    }

    /** Subjects in the candidate's inbox. */
    List<String> subjects() throws MessagingException {
        List<String> out = new ArrayList<>();
        try (Store store = session().getStore("imap")) {
            store.connect(ADDRESS, PASSWORD);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                out.add(m.getSubject());
            }
            inbox.close(false);
        }
        return out;
    }

    /** Answers the inbox message with this subject; the reply carries In-Reply-To and References. */
    void reply(String subject, String text) throws MessagingException {
        Session session = session();
        try (Store store = session.getStore("imap")) {
            store.connect(ADDRESS, PASSWORD);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            for (Message m : inbox.getMessages()) {
                if (subject.equals(m.getSubject())) {
                    MimeMessage reply = (MimeMessage) m.reply(false);
                    reply.setFrom(new InternetAddress(ADDRESS));
                    reply.setText(text, "UTF-8");
                    Transport.send(reply);
                    inbox.close(false);
                    return;
                }
            }
            throw new AssertionError("No message \"" + subject + "\" in the candidate's inbox");
        }
    }
}
