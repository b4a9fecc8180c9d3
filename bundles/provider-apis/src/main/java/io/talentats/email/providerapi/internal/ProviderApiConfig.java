package io.talentats.email.providerapi.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Where the providers' mail APIs are and how they are called ({@value #PID}). */
@ObjectClassDefinition(name = "talentATS email provider APIs",
        description = "Microsoft Graph and the Gmail API, for mailboxes that do not speak SMTP and IMAP.")
public @interface ProviderApiConfig {

    String PID = "io.talentats.email.providerapis";

    @AttributeDefinition(name = "Microsoft Graph", description = "The Graph API's base URL (v1.0).")
    String graph_url() default "https://graph.microsoft.com/v1.0/";

    @AttributeDefinition(name = "Gmail API", description = "The Gmail API's base URL.")
    String gmail_url() default "https://gmail.googleapis.com/";

    @AttributeDefinition(name = "Request timeout (s)", description = "How long one request may take, an upload "
            + "chunk included.")
    int request_timeout_s() default 60;

    @AttributeDefinition(name = "Requests per mailbox", description = "Requests at once to one mailbox (Microsoft "
            + "Graph allows 4).")
    int mailbox_concurrency() default 4;
}
