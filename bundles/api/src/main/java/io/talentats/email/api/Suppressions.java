package io.talentats.email.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The addresses that hard-bounced, per recruiter: what the router checks before sending, and what operators clear. */
@ProviderType
public interface Suppressions {

    /** The user's suppressed addresses, or everyone's for {@code userId == null}; newest first. */
    List<Suppression> list(String userId);

    /** Which of {@code addresses} are suppressed for the user. */
    List<Suppression> find(String userId, List<String> addresses);

    /** Forgets a bounce, so the address may be written to again; whether there was one. */
    boolean clear(String userId, String address);
}
