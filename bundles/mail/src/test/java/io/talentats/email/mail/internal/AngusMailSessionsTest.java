package io.talentats.email.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Security;
import io.talentats.email.mail.MailSessions.Protocol;

import jakarta.mail.Session;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

class AngusMailSessionsTest {

    private static MailConfig config(int timeout) {
        return Converters.standardConverter().convert(Map.of("connect.timeout.ms", timeout, "read.timeout.ms", 3000))
                .to(MailConfig.class);
    }

    @Test
    void mailboxesOnOneServerShareOneSessionUntilTheConfigurationChanges() {
        AngusMailSessions sessions = new AngusMailSessions(config(2000));
        Endpoint dovecot = new Endpoint("imap.corp.test", 993, Security.SSL_TLS);
        Session first = sessions.shared(sessions.properties(Protocol.IMAP, dovecot));
        Properties again = sessions.properties(Protocol.IMAP, dovecot);
        Session second = sessions.shared(again);
        assertThat(second).isSameAs(first);
        again.put("mail.imap.host", "changed.corp.test");
        assertThat(second.getProperty("mail.imap.host")).as("the caller's properties were copied")
                .isEqualTo("imap.corp.test");

        assertThat(sessions.shared(sessions.properties(Protocol.IMAP, new Endpoint("imap.other.test", 993,
                Security.SSL_TLS)))).isNotSameAs(first);
        assertThat(sessions.shared(sessions.properties(Protocol.IMAP, new Endpoint("imap.corp.test", 143,
                Security.STARTTLS)))).isNotSameAs(first);

        sessions.modified(config(4000));
        Session after = sessions.shared(sessions.properties(Protocol.IMAP, dovecot));
        assertThat(after).isNotSameAs(first);
        assertThat(after.getProperty("mail.imap.connectiontimeout")).isEqualTo("4000");
    }
}
