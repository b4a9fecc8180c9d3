package io.talentats.email.api;

/** The way an outbound message leaves. */
public enum Route {
    /** Through the recruiter's own SMTP server, from the recruiter's own address. */
    USER_SMTP,
    /**
     * Through the platform's SMTP server on the recruiter's behalf: From is the platform address with the
     * recruiter's name ("Jane Doe via talentATS"), Reply-To is the recruiter's address.
     */
    PLATFORM
}
