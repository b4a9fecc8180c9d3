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
import org.osgi.service.metatype.annotations.Designate;

/** {@link io.talentats.email.mail.MailAccess} through Microsoft Graph ({@code mail.access=graph}). */
@Component(service = io.talentats.email.mail.MailAccess.class, property = "mail.access=graph",
        configurationPid = ProviderApiConfig.PID)
@Designate(ocd = ProviderApiConfig.class)
public class GraphAccess extends ProviderApiAccess {

    private final GraphMail graph;

    @Activate
    public GraphAccess(ProviderApiConfig config, @Reference MailSessions sessions, @Reference CredentialVault vault,
            @Reference TlsTrust trust) {
        this(config, sessions, vault, null, new TrustedHttpClient(trust::context, b -> b)::get, Clock.systemUTC());
    }

    /** Outside a framework (tests): with the states and HTTP client given. */
    GraphAccess(ProviderApiConfig config, MailSessions sessions, CredentialVault vault, AccountStates states,
            Supplier<HttpClient> client, Clock clock) {
        super(ApiFailure.Api.GRAPH, config, sessions, vault, states, clock);
        this.graph = new GraphMail(base(config.graph_url()), http(ApiFailure.Api.GRAPH, client, config, clock),
                sessions);
    }

    @Override
    ApiLogin.Sender sender() {
        return (token, gate, mime) -> {
            graph.send(token, gate, mime);
            return "202 Accepted";
        };
    }

    @Override
    ApiLogin.Reader reader() {
        return new ApiLogin.Reader() {
            @Override
            public Changes after(String token, MailboxGate gate, String cursor)
                    throws IOException, InterruptedException {
                return graph.changes(token, gate, cursor, null);
            }

            @Override
            public Changes since(String token, MailboxGate gate, Instant from)
                    throws IOException, InterruptedException {
                return graph.changes(token, gate, null, from);
            }

            @Override
            public String profile(String token, MailboxGate gate) throws IOException, InterruptedException {
                return graph.profile(token, gate);
            }

            @Override
            public byte[] raw(String token, MailboxGate gate, String id) throws IOException, InterruptedException {
                return graph.raw(token, gate, id);
            }
        };
    }
}
