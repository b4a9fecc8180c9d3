package io.talentats.email.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;
import io.talentats.email.api.Verification;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.runtime.AccountState;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/**
 * The one way into a mailbox against GreenMail: a refused access token is handed back once and the login tried
 * again at once with a fresh one, a second refusal is real and recorded once as the account's health, recovery is
 * recorded once, and an access token near its expiry is not used.
 */
class SmtpImapLoginTest {

    private static final String ADDRESS = "rita@corp.test";
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    private GreenMail mail;
    private AngusMailSessions sessions;
    private final LoginFixtures.Vault vault = new LoginFixtures.Vault();
    private final LoginFixtures.States states = new LoginFixtures.States();

    @BeforeEach
    void start() {
        mail = new GreenMail(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort()});
        mail.start();
        sessions = new AngusMailSessions(Converters.standardConverter()
                .convert(Map.of("connect.timeout.ms", 2000, "read.timeout.ms", 3000)).to(MailConfig.class));
    }

    @AfterEach
    void stop() {
        mail.stop();
    }

    private MailAccess access() {
        return new SmtpImapAccess(sessions, vault, states, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private MailAccount account(String secret, boolean oauth, Instant expires) {
        return new MailAccount("rita", ADDRESS, ADDRESS, Secret.of(secret), "Rita",
                new Endpoint("127.0.0.1", mail.getSmtp().getPort(), Security.NONE),
                new Endpoint("127.0.0.1", mail.getImap().getPort(), Security.NONE), null, false, true, oauth, expires);
    }

    @Test
    void aRefusedTokenIsHandedBackOnceAndTheLoginTriedAgainWithAFreshOne() throws Exception {
        mail.setUser(ADDRESS, ADDRESS, "token-2");
        vault.next.add(account("token-1", true, NOW.plusSeconds(3600)));
        vault.afterRejection.add(account("token-2", true, NOW.plusSeconds(3600)));
        AccountLogin login = access().login("rita");
        Store store = login.openStore(s -> s.getStore("imap"), false);
        try {
            assertThat(store.isConnected()).isTrue();
        } finally {
            store.close();
        }
        assertThat(vault.rejected).containsExactly("token-1");
        assertThat(states.recorded).isEmpty();
    }

    @Test
    void aSecondRefusalIsRealAndRecordedOnceUntilTheAccountWorksAgain() throws Exception {
        mail.setUser(ADDRESS, ADDRESS, "the-real-token");
        vault.next.add(account("stale-1", true, NOW.plusSeconds(3600)));
        vault.afterRejection.add(account("stale-2", true, NOW.plusSeconds(3600)));
        AccountLogin login = access().login("rita");
        MessagingException refused = null;
        try {
            login.openStore(s -> s.getStore("imap"), false).close();
        } catch (MessagingException e) {
            refused = e;
        }
        assertThat(refused).as("the second token was refused too").isNotNull();
        assertThat(vault.rejected).containsExactly("stale-1");
        assertThat(login.failed(Protocol.IMAP, refused, null).loginRefused()).isTrue();
        assertThat(states.recorded).singleElement().satisfies(h -> {
            assertThat(h.state()).isEqualTo(AccountHealth.State.AUTHENTICATION_FAILING);
            assertThat(h.reason()).startsWith("the IMAP server refused the login");
        });
        // The recruiter signs in again: the next login opens the account again, works, and says so once
        vault.next.add(account("the-real-token", true, NOW.plusSeconds(3600)));
        login.openStore(s -> s.getStore("imap"), false).close();
        login.worked();
        login.worked();
        assertThat(states.recorded).hasSize(2).last().satisfies(h -> assertThat(h.isHealthy()).isTrue());
    }

    @Test
    void aServerOutOfReachIsRecordedOnceAndAPasswordIsNeverHandedBack() throws Exception {
        mail.setUser(ADDRESS, ADDRESS, "pw");
        vault.next.add(account("pw", false, null));
        AccountLogin login = access().login("rita");
        MimeMessage m = new MimeMessage(sessions.session(new java.util.Properties()));
        m.setFrom(new InternetAddress(ADDRESS));
        m.setRecipients(MimeMessage.RecipientType.TO, "carl@candidates.test");
        m.setSubject("Hello");
        m.setText("Hi Carl");
        assertThat(login.send(m, m.getAllRecipients())).startsWith("250");
        assertThat(login.connected()).isTrue();
        login.unreachable("the SMTP server could not be reached");
        login.unreachable("the SMTP server could not be reached");
        assertThat(states.recorded).singleElement()
                .satisfies(h -> assertThat(h.state()).isEqualTo(AccountHealth.State.UNREACHABLE));
        login.close();
        assertThat(login.connected()).isFalse();
        mail.setUser("other@corp.test", "other@corp.test", "pw");
        vault.next.add(account("wrong", false, null));
        AccountLogin refused = access().login("rita");
        assertThatThrownBy(() -> refused.openStore(s -> s.getStore("imap"), false))
                .isInstanceOf(MessagingException.class);
        assertThat(vault.rejected).as("a password is not handed back").isEmpty();
    }

    @Test
    void aTokenWithinTheSkewOfItsExpiryIsNotUsedAgain() {
        vault.next.add(account("t1", true, NOW.plus(MailAccess.TOKEN_SKEW).plusSeconds(1)));
        vault.next.add(account("t2", true, NOW.plus(MailAccess.TOKEN_SKEW)));
        vault.next.add(account("t3", true, NOW.plus(Duration.ofHours(1))));
        AccountLogin login = access().login("rita");
        assertThat(login.account().orElseThrow().password().reveal()).isEqualTo("t1");
        assertThat(login.account().orElseThrow().password().reveal()).isEqualTo("t1");
        login.forget();
        assertThat(login.account().orElseThrow().password().reveal()).isEqualTo("t2");
        assertThat(login.account().orElseThrow().password().reveal()).as("t2 expires within the skew").isEqualTo("t3");
    }

    @Test
    void thePlatformsOwnCredentialsAreUsedAsGivenWithoutHealth() throws Exception {
        mail.setUser(ADDRESS, ADDRESS, "platform-pw");
        AccountLogin login = access().login(account("platform-pw", false, null));
        login.openStore(s -> s.getStore("imap"), false).close();
        login.unreachable("down");
        assertThat(vault.opened).isZero();
        assertThat(states.recorded).isEmpty();
    }

    @Test
    void backToBackSendsAskNoNoopAndAConnectionClosedBetweenThemIsReplacedAtOnce() throws Exception {
        try (ScriptedSmtp server = new ScriptedSmtp()) {
            MailAccount a = new MailAccount("rita", ADDRESS, null, null, "Rita",
                    new Endpoint("127.0.0.1", server.port(), Security.NONE), null, null, false, true);
            vault.next.add(a);
            AccountLogin login = access().login("rita");
            for (int i = 0; i < 3; i++) {
                MimeMessage m = message("Hello " + i);
                assertThat(login.send(m, m.getAllRecipients())).startsWith("250");
            }
            assertThat(server.commands).doesNotContain("NOOP");
            assertThat(server.connections).hasValue(1);

            server.closeAfterNextMessage = true;
            MimeMessage fourth = message("Hello 3");
            assertThat(login.send(fourth, fourth.getAllRecipients())).startsWith("250");
            // the server hung up after the fourth: the fifth, right after, goes on a new connection, once
            MimeMessage fifth = message("Hello 4");
            assertThat(login.send(fifth, fifth.getAllRecipients())).startsWith("250");
            assertThat(server.connections).hasValue(2);
            assertThat(server.delivered).hasValue(5);
            assertThat(states.recorded).isEmpty();
            login.close();
        }
    }

    private MimeMessage message(String subject) throws MessagingException {
        MimeMessage m = new MimeMessage(sessions.session(new java.util.Properties()));
        m.setFrom(new InternetAddress(ADDRESS));
        m.setRecipients(MimeMessage.RecipientType.TO, "carl@candidates.test");
        m.setSubject(subject);
        m.setText("Hi Carl");
        return m;
    }

    /** An SMTP server that records the commands it hears and can hang up after a message, as servers do. */
    private static final class ScriptedSmtp implements AutoCloseable {
        final java.net.ServerSocket socket = new java.net.ServerSocket(0, 5,
                java.net.InetAddress.getLoopbackAddress());
        final List<String> commands = java.util.Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean closeAfterNextMessage;
        private final Thread thread = new Thread(this::serve, "scripted-smtp");

        ScriptedSmtp() throws java.io.IOException {
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (java.net.Socket s = socket.accept()) {
                    connections.incrementAndGet();
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                            java.nio.charset.StandardCharsets.US_ASCII));
                    var out = new java.io.PrintStream(s.getOutputStream(), true, "US-ASCII");
                    out.print("220 scripted ESMTP\r\n");
                    String line;
                    while ((line = in.readLine()) != null) {
                        String verb = line.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
                        commands.add(verb);
                        if (verb.equals("DATA")) {
                            out.print("354 go ahead\r\n");
                            while (!".".equals(in.readLine())) {
                                // the message
                            }
                            delivered.incrementAndGet();
                            out.print("250 2.0.0 queued\r\n");
                            if (closeAfterNextMessage) {
                                closeAfterNextMessage = false;
                                break;
                            }
                        } else if (verb.equals("QUIT")) {
                            out.print("221 bye\r\n");
                            break;
                        } else {
                            out.print("250 ok\r\n");
                        }
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            }
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }
}
