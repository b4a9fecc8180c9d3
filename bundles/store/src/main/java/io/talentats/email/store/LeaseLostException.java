package io.talentats.email.store;

/**
 * A write under a watch lease that is no longer the mailbox's current one: another node took the mailbox over.
 * Nothing of the write was kept; the writer must stop watching.
 */
public class LeaseLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LeaseLostException(String message) {
        super(message);
    }
}
