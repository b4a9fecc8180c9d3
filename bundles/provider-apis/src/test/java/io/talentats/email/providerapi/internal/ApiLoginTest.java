package io.talentats.email.providerapi.internal;

import io.talentats.email.providerapi.fakes.FakeMailApis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Properties;

import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.Secret;
import io.talentats.email.api.Security;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.ApiInbox;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.MailFailures;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.LoginFixtures;
import io.talentats.email.mail.internal.MailConfig;
import io.talentats.email.runtime.MailAccount;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/**
 * The one way into a mailbox through a provider's API: the account's access token as bearer, a refused token handed
 * back once, failures classified by MailFailures and recorded as the account's health, against the fake APIs.
 */
class ApiLoginTest {

    private static final Instant NOW = Instant.parse("2026-12-08T10:00:00Z");

    private final FakeMailApis fake = new FakeMailApis();
    private final AngusMailSessions sessions = new AngusMailSessions(Converters.standardConverter()
            .convert(Map.of()).to(MailConfig.class));
    private final LoginFixtures.Vault vault = new LoginFixtures.Vault();
    private final LoginFixtures.States states = new LoginFixtures.States();
    private final ProviderApiConfig config = Converters.standardConverter().convert(Map.of("graph.url",
            fake.base().toString(), "gmail.url", fake.base().toString())).to(ProviderApiConfig.class);

    ApiLoginTest() throws Exception {
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private GraphAccess graph() {
        return new GraphAccess(config, sessions, vault, states, HttpClient::newHttpClient, Clock.fixed(NOW,
                ZoneOffset.UTC));
    }

    private static MailAccount account(String token) {
        return new MailAccount("rita", "rita@corp.test", "rita@corp.test", Secret.of(token), "Rita",
                new Endpoint("smtp.office365.com", 587, Security.STARTTLS),
                new Endpoint("outlook.office365.com", 993, Security.SSL_TLS), "microsoft365", false, true, true,
                NOW.plusSeconds(3600));
    }

    private static MimeMessage message() throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(GraphMailTest.message("Your interview", null)));
    }

    @Test
    void aRefusedTokenIsHandedBackOnceAndTheMessageSentWithAFreshOne() throws Exception {
        vault.next.add(account("stale-token"));
        vault.afterRejection.add(account(FakeMailApis.TOKEN));
        AccountLogin login = graph().login("rita");
        MimeMessage m = message();
        assertThat(login.send(m, m.getAllRecipients())).isEqualTo("202 Accepted");
        assertThat(vault.rejected).containsExactly("stale-token");
        assertThat(fake.graphSent).singleElement().isEqualTo(GraphMailTest.message("Your interview", null));
        assertThat(states.recorded).isEmpty();
        assertThat(login.connected()).isFalse();
    }

    @Test
    void aPermissionNotGrantedIsClassifiedAndRecordedAsTheAccountsHealthOnce() throws Exception {
        vault.next.add(account(FakeMailApis.TOKEN));
        fake.failNext.add(new Object[] {403, null, "{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":"
                + "\"Access is denied. Check credentials and try again.\"}}"});
        fake.failNext.add(new Object[] {403, null, "{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":"
                + "\"Access is denied. Check credentials and try again.\"}}"});
        AccountLogin login = graph().login("rita");
        MimeMessage m = message();
        MessagingException e = org.junit.jupiter.api.Assertions.assertThrows(MessagingException.class,
                () -> login.send(m, m.getAllRecipients()));
        Diagnosis d = MailFailures.classify(e, null);
        assertThat(d.failure()).isEqualTo(FailureClass.PERMISSION_NOT_GRANTED);
        assertThat(d.detail()).contains("administrator has not granted");
        assertThat(login.failed(Protocol.SMTP, e, login.lastServerReply()).loginRefused()).isTrue();
        assertThat(states.recorded).singleElement().satisfies(h -> {
            assertThat(h.state()).isEqualTo(AccountHealth.State.AUTHENTICATION_FAILING);
            assertThat(h.reason()).startsWith("Microsoft Graph refused the login").contains("ErrorAccessDenied")
                    .doesNotContain(FakeMailApis.TOKEN);
        });
        assertThat(vault.rejected).as("handed back once, to be sure").hasSize(1);
    }

    @Test
    void gmailTooAndAPasswordAccountIsToldItNeedsASignIn() throws Exception {
        vault.next.add(account(FakeMailApis.TOKEN));
        GmailApiAccess gmail = new GmailApiAccess(config, sessions, vault, states, HttpClient::newHttpClient,
                Clock.fixed(NOW, ZoneOffset.UTC));
        MimeMessage m = message();
        assertThat(gmail.login("rita").send(m, m.getAllRecipients())).isEqualTo("200 OK id=sent-1");
        assertThat(fake.gmailSent).hasSize(1);

        MailAccount password = new MailAccount("sam", "sam@corp.test", "sam@corp.test", Secret.of("pw"), "Sam",
                null, null, null, false, true);
        assertThatThrownBy(() -> gmail.login(password).send(m, m.getAllRecipients()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("needs a sign-in");
        assertThatThrownBy(() -> gmail.login("rita").openStore(s -> s.getStore("imap"), false))
                .hasMessageContaining("read through the Gmail API");
    }

    @Test
    void theInboxIsReadFromItsCursorAndAgainFromATimeWhenTheCursorIsLost() throws Exception {
        vault.next.add(account(FakeMailApis.TOKEN));
        ApiInbox inbox = graph().login("rita").inbox().orElseThrow();
        String first = fake.graphReceive(GraphMailTest.message("Re: Your interview", null));
        byte[] offer = GraphMailTest.message("Re: Your offer", null);
        String second = fake.graphReceive(offer);

        ApiInbox.Changes c = inbox.changes(null, NOW.minusSeconds(60));
        assertThat(c.added()).containsExactly(first, second);
        assertThat(c.resynced()).isFalse();
        assertThat(inbox.raw(second)).isEqualTo(offer);
        assertThat(inbox.changes(c.cursor(), NOW).added()).isEmpty();

        String third = fake.graphReceive(GraphMailTest.message("Re: Re: Your interview", null));
        fake.expiredDeltaTokens.add(c.cursor().substring(c.cursor().indexOf("$deltatoken=") + 12));
        ApiInbox.Changes again = inbox.changes(c.cursor(), NOW.minusSeconds(60));
        assertThat(again.resynced()).isTrue();
        // Read again from the time: what was recorded before is recognised by its Message-ID, nothing is missed
        assertThat(again.added()).containsExactly(first, second, third);
        assertThat(inbox.waiting()).isZero();
    }

    @Test
    void aRetryAfterIsSaidByTheInboxRatherThanWaitedOutOnTheCallersThread() throws Exception {
        vault.next.add(account(FakeMailApis.TOKEN));
        ApiInbox inbox = graph().login("rita").inbox().orElseThrow();
        fake.failNext.add(new Object[] {429, "30", "{\"error\":{\"code\":\"ApplicationThrottled\",\"message\":"
                + "\"Application is over its MailboxConcurrency limit.\"}}"});
        MessagingException e = org.junit.jupiter.api.Assertions.assertThrows(MessagingException.class,
                () -> inbox.changes(null, NOW));
        assertThat(MailFailures.classify(e, null).failure()).isEqualTo(FailureClass.THROTTLED);
        assertThat(inbox.waiting()).isBetween(java.time.Duration.ofSeconds(29), java.time.Duration.ofSeconds(30));
    }
}
