package io.talentats.email.providerapi.internal;

import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Instant;
import java.time.Clock;
import java.util.function.Supplier;

import io.talentats.email.mail.ApiInbox.Changes;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.TlsTrust;
import io.talentats.email.support.TrustedHttpClient;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@link io.talentats.email.mail.MailAccess} through the Gmail API ({@code mail.access=gmail-api}). */
@Component(service = io.talentats.email.mail.MailAccess.class, property = "mail.access=gmail-api",
        configurationPid = ProviderApiConfig.PID)
public class GmailApiAccess extends ProviderApiAccess {

    private final GmailMail gmail;

    @Activate
    public GmailApiAccess(ProviderApiConfig config, @Reference MailSessions sessions,
            @Reference CredentialVault vault, @Reference TlsTrust trust) {
        this(config, sessions, vault, null, new TrustedHttpClient(trust::context, b -> b)::get, Clock.systemUTC());
    }

    /** Outside a framework (tests): with the states and HTTP client given. */
    GmailApiAccess(ProviderApiConfig config, MailSessions sessions, CredentialVault vault, AccountStates states,
            Supplier<HttpClient> client, Clock clock) {
        super(ApiFailure.Api.GMAIL, config, sessions, vault, states, clock);
        this.gmail = new GmailMail(base(config.gmail_url()), http(ApiFailure.Api.GMAIL, client, config, clock));
    }

    @Override
    ApiLogin.Sender sender() {
        return (token, gate, mime) -> "200 OK id=" + gmail.send(token, gate, mime);
    }

    @Override
    ApiLogin.Reader reader() {
        return new ApiLogin.Reader() {
            @Override
            public Changes after(String token, MailboxGate gate, String cursor)
                    throws IOException, InterruptedException {
                return gmail.changes(token, gate, cursor);
            }

            @Override
            public Changes since(String token, MailboxGate gate, Instant from)
                    throws IOException, InterruptedException {
                return gmail.since(token, gate, from);
            }

            @Override
            public String profile(String token, MailboxGate gate) throws IOException, InterruptedException {
                return gmail.profile(token, gate);
            }

            @Override
            public byte[] raw(String token, MailboxGate gate, String id) throws IOException, InterruptedException {
                return gmail.raw(token, gate, id);
            }
        };
    }
}
