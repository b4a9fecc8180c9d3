package io.talentats.email.api;

import java.util.List;

/** Thrown by {@link MessageRouter#submit(OutboundMessage)} when a message is refused; nothing is queued. */
public class MessageRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a message was refused. */
    public enum Reason {
        /** A custom message needs the recruiter's own email account, and none is connected (or it is disabled). */
        ACCOUNT_NOT_CONNECTED,
        /**
         * The recruiter's mailbox refuses the stored login, so a custom message cannot be sent until the password is
         * updated in Email Connection Settings.
         */
        ACCOUNT_LOGIN_FAILING,
        /** Email connectivity is switched off, so a custom message cannot be sent now. */
        CONNECTIVITY_DISABLED,
        /** The message itself is not acceptable; {@link #errors()} says what to fix. */
        INVALID_MESSAGE,
        /** The platform transport is needed but not configured. */
        PLATFORM_NOT_CONFIGURED,
        /**
         * A recipient hard-bounced before for this recruiter ({@link Suppressions}); fix the address, or an operator
         * clears the entry.
         */
        RECIPIENT_BOUNCED
    }

    private final Reason reason;
    private final transient List<FieldError> errors;

    public MessageRejectedException(Reason reason, String message) {
        this(reason, message, List.of());
    }

    public MessageRejectedException(Reason reason, String message, List<FieldError> errors) {
        super(message);
        this.reason = reason;
        this.errors = List.copyOf(errors);
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#INVALID_MESSAGE}: one entry per bad field. */
    public List<FieldError> errors() {
        return errors;
    }
}
