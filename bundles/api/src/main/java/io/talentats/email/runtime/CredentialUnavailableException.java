package io.talentats.email.runtime;

/**
 * The account exists but its credential cannot be used now: an OAuth grant that the provider refused (the recruiter
 * must sign in again) or a token endpoint that cannot be reached. The message is for people and holds no secret.
 */
public class CredentialUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final boolean needsSignIn;

    public CredentialUnavailableException(String message, boolean needsSignIn) {
        super(message);
        this.needsSignIn = needsSignIn;
    }

    /** Whether only a new sign-in helps (as opposed to trying again later). */
    public boolean needsSignIn() {
        return needsSignIn;
    }
}
