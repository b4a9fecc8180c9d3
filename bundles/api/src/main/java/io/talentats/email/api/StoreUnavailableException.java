package io.talentats.email.api;

/**
 * The message database cannot be reached now (PostgreSQL down or out of reach, every pooled connection waited for
 * in vain): the request was not carried out. The message says so in words for people; try again in a moment. The
 * REST API answers it with 503.
 */
public class StoreUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
