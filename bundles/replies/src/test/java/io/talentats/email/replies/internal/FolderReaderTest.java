package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Test;

/** What a watched folder keeps of the messages it read: nothing the next read could not fetch again. */
class FolderReaderTest {

    @Test
    void aReadMessageIsNotKeptInTheOpenFolder() throws Exception {
        GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort());
        mail.start();
        try {
            mail.setUser("rita@corp.test", "rita@corp.test", "pw");
            Session session = Session.getInstance(new Properties());
            for (String subject : new String[] {"Re: Interview", "Re: Offer"}) {
                MimeMessage m = GreenMailUtil.createTextEmail("rita@corp.test", "carl@candidates.test", subject,
                        "x".repeat(200_000), mail.getImap().getServerSetup());
                mail.getManagers().getUserManager().getUser("rita@corp.test").deliver(m);
            }
            Store store = session.getStore("imap");
            store.connect("127.0.0.1", mail.getImap().getPort(), "rita@corp.test", "pw");
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message[] both = inbox.getMessages();
            FetchProfile whole = new FetchProfile();
            whole.add(IMAPFolder.FetchProfileItem.MESSAGE);
            whole.add(FetchProfile.Item.ENVELOPE);
            inbox.fetch(both, whole);

            FolderReader.release(both[0]);
            mail.stop(); // from now on only what the folder kept can be read

            assertThat(both[1].getSubject()).as("kept when not released").isEqualTo("Re: Offer");
            assertThat(both[1].getSize()).isGreaterThan(200_000);
            assertThatThrownBy(both[0]::getSubject).as("released: reading it needs the server again")
                    .isInstanceOf(MessagingException.class);
            assertThatThrownBy(() -> both[0].getInputStream()).isInstanceOf(MessagingException.class);
        } finally {
            mail.stop();
        }
    }
}
