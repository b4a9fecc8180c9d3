package io.talentats.email.api;

import java.util.List;

/**
 * Mail server settings found for an address, and where they came from.
 *
 * @param emailAddress the address asked about
 * @param source where the settings came from; {@code NONE} when nothing was found (then the servers are {@code null})
 * @param sourceDetail where exactly, in words for the page ("from DNS (SRV) of example.com")
 * @param confirmationNeeded whether the source is unauthenticated (plain HTTP, a guess): the recruiter must confirm
 *     the settings before they are used
 * @param presetId the preset the settings are, or {@code null}
 * @param smtp the outgoing server, or {@code null}
 * @param imap the incoming server, or {@code null}
 * @param username the login name the source names (the address when it says nothing), or {@code null}
 * @param oauth whether the source says the provider signs in with OAuth 2.0
 * @param notes what the recruiter should know (a server outside the address's domain, for instance)
 */
public record Discovered(String emailAddress, Source source, String sourceDetail, boolean confirmationNeeded,
        String presetId, Endpoint smtp, Endpoint imap, String username, boolean oauth, List<String> notes) {

    /** The sources, in the order they are asked. */
    public enum Source {
        /** A built-in or plugin preset serves the domain. */
        PRESET,
        /** The provider's own autoconfig file (Thunderbird's clientConfig format). */
        AUTOCONFIG,
        /** The ISP database (Thunderbird's public one, or the operator's mirror). */
        ISP_DATABASE,
        /** DNS SRV records (RFC 6186, RFC 8314). */
        DNS_SRV,
        /** The domain's MX: mail handled by Google or Microsoft 365, or a hosting provider's settings. */
        MX,
        /** Common server names that answered like mail servers. */
        GUESS,
        /** Nothing found: enter the servers yourself. */
        NONE
    }

    public Discovered {
        notes = List.copyOf(notes);
    }

    /** Whether settings were found. */
    public boolean found() {
        return source != Source.NONE;
    }
}
