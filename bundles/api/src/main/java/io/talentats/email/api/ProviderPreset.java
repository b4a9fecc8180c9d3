package io.talentats.email.api;

import java.util.List;

/**
 * Known settings of one mail provider, offered so a recruiter need not look them up.
 *
 * @param id stable identifier, e.g. {@code gmail}
 * @param displayName the name shown in the provider list
 * @param domains the address domains the provider serves, lower case, e.g. {@code gmail.com}
 * @param smtp the outgoing server
 * @param imap the incoming server
 * @param authMethod how the provider expects us to log in
 * @param authNotes what a recruiter must do first, in words (e.g. how to create an app password)
 * @param filesSentMail whether the provider puts a copy of SMTP-sent mail in the Sent folder itself
 * @param subaddressing whether {@code user+tag@domain} reaches {@code user@domain}
 * @param sendingLimits the provider's known caps on outgoing mail
 * @param helpUrl the provider's own page about these settings
 * @param oauth how to sign in with OAuth 2.0, or {@code null} where the provider offers no OAuth sign-in
 */
public record ProviderPreset(
        String id,
        String displayName,
        List<String> domains,
        Endpoint smtp,
        Endpoint imap,
        AuthMethod authMethod,
        String authNotes,
        boolean filesSentMail,
        boolean subaddressing,
        List<SendingLimit> sendingLimits,
        String helpUrl,
        OAuthSignIn oauth) {

    public ProviderPreset {
        domains = List.copyOf(domains);
        sendingLimits = List.copyOf(sendingLimits);
    }

    /** A preset without OAuth sign-in (the shape of version 1.1 of this package). */
    public ProviderPreset(String id, String displayName, List<String> domains, Endpoint smtp, Endpoint imap,
            AuthMethod authMethod, String authNotes, boolean filesSentMail, boolean subaddressing,
            List<SendingLimit> sendingLimits, String helpUrl) {
        this(id, displayName, domains, smtp, imap, authMethod, authNotes, filesSentMail, subaddressing, sendingLimits,
                helpUrl, null);
    }

    /** Whether this preset serves the domain of {@code emailAddress}. */
    public boolean serves(String emailAddress) {
        int at = emailAddress == null ? -1 : emailAddress.lastIndexOf('@');
        if (at < 0) {
            return false;
        }
        String domain = emailAddress.substring(at + 1).trim().toLowerCase(java.util.Locale.ROOT);
        return domains.contains(domain);
    }
}
