package io.talentats.email.sandbox.internal;

import java.io.IOException;
import java.util.List;
import java.util.Properties;

import io.talentats.email.mail.MailSessions;

import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;

/** Replies as a mail client would: Re: subject, In-Reply-To and References, sent over the sandbox's SMTP port. */
@Command(scope = "sandbox", name = "reply", description = "Replies to a message in a sandbox mailbox, as its owner "
        + "would from a mail client")
@Service
public class ReplyCommand implements Action {

    @Reference
    SandboxMailServer server;

    @Argument(index = 0, name = "address", description = "The replying mailbox")
    String address = "candidate@sandbox.test";

    @Option(name = "--message", description = "Which message to answer, as numbered by sandbox:inbox (1 = newest)")
    int number = 1;

    @Option(name = "--text", description = "The reply's text")
    String text = "Thank you, that time works for me.";

    @Override
    public Object execute() throws Exception {
        List<MimeMessage> inbox = server.inbox(address);
        if (number < 1 || number > inbox.size()) {
            System.err.println(address + " has " + inbox.size() + " message(s); choose --message 1 to "
                    + inbox.size() + " (see sandbox:inbox " + address + ")");
            return null;
        }
        MimeMessage original = inbox.get(number - 1);
        MailSessions sessions = server.sessions();
        Properties p = new Properties();
        p.setProperty("mail.smtp.host", SandboxMailServer.HOST);
        p.setProperty("mail.smtp.port", Integer.toString(server.smtpPort()));
        Session session = sessions.session(p);
        String subject = sessions.call(() -> {
            MimeMessage reply = (MimeMessage) original.reply(false);
            reply.setFrom(new InternetAddress(address));
            reply.setText(text + "\n\nOn " + original.getSentDate() + ", " + original.getFrom()[0] + " wrote:\n> "
                    + plainText(original).replace("\n", "\n> "), "UTF-8");
            reply.saveChanges();
            try (Transport smtp = session.getTransport("smtp")) {
                smtp.connect();
                smtp.sendMessage(reply, reply.getAllRecipients());
            }
            return reply.getSubject();
        });
        System.out.println("Sent \"" + subject + "\" from " + address + ".");
        return null;
    }

    /** The text to quote: the body if plain, else the first text/plain part. */
    private static String plainText(Part part) throws MessagingException {
        try {
            if (part.isMimeType("text/plain")) {
                return String.valueOf(part.getContent());
            }
            if (part.getContent() instanceof Multipart multi) {
                for (int i = 0; i < multi.getCount(); i++) {
                    String text = plainText(multi.getBodyPart(i));
                    if (!text.isEmpty()) {
                        return text;
                    }
                }
            }
            return "";
        } catch (IOException e) {
            throw new MessagingException("Could not read the message being answered", e);
        }
    }
}
