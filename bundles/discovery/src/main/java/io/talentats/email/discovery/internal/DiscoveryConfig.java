package io.talentats.email.discovery.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** How settings are looked up from an address ({@value #PID}). */
@ObjectClassDefinition(name = "talentATS email settings discovery",
        description = "Finding a mailbox's servers from its address alone")
public @interface DiscoveryConfig {

    String PID = "io.talentats.email.discovery";

    @AttributeDefinition(name = "ISP database", description = "Base URL of the ISP database (Thunderbird's format; "
            + "the domain is appended); a mirror for air-gapped installs, or empty to skip it")
    String ispdb_url() default "https://autoconfig.thunderbird.net/v1.1/";

    @AttributeDefinition(name = "Source timeout (ms)", description = "Longest wait for one source (one HTTP "
            + "request, one DNS answer, one probe)", min = "100")
    int source_timeout_ms() default 2000;

    @AttributeDefinition(name = "Total timeout (ms)", description = "Longest a whole discovery takes; what is not "
            + "asked by then is left out", min = "500")
    int total_timeout_ms() default 5000;

    @AttributeDefinition(name = "Cache (minutes)", description = "How long a domain's result is remembered", min = "0")
    int cache_minutes() default 60;

    @AttributeDefinition(name = "Guess server names", description = "Try imap./smtp./mail.<domain> on the usual "
            + "ports when nothing else answered (the result needs the recruiter's confirmation)")
    boolean guess() default true;

    @AttributeDefinition(name = "DNS server", description = "host:port of the DNS server to ask; empty for the "
            + "system's")
    String dns_server() default "";

    @AttributeDefinition(name = "Host overrides", description = "Fetch URLs of a host from elsewhere, each "
            + "HOST=BASE-URL (e.g. autoconfig.example.com=http://10.0.0.5:8080): mirrors in closed networks")
    String[] host_overrides() default {};
}
