package io.talentats.email.api;

/** What a message is for; the kind decides which routes it may take. */
public enum MessageKind {
    /** The ATS tells a candidate their application moved to another stage. */
    STAGE_CHANGE(false),
    /** The ATS invites a candidate to an interview. */
    INTERVIEW_INVITATION(false),
    /** A one-off message a recruiter wrote. Sent only through the recruiter's own mailbox. */
    CUSTOM(true),
    /**
     * Inbound only: an automatic answer to one of our messages (an out-of-office notice, an auto-responder, RFC
     * 3834), kept in its thread but no candidate's reply. Never submitted, never answered.
     */
    AUTO_REPLY(false),
    /**
     * A notice to the recruiter about their own mailbox connection (it stopped working, it was paused), addressed to
     * the recruiter. Always sent by the platform: the recruiter's own server is the one that is failing.
     */
    ACCOUNT_NOTICE(false);

    private final boolean requiresOwnMailbox;

    MessageKind(boolean requiresOwnMailbox) {
        this.requiresOwnMailbox = requiresOwnMailbox;
    }

    /**
     * Whether the message may only go through the recruiter's own SMTP server. System kinds ({@code false}) fall
     * back to the platform transport, sent on the recruiter's behalf.
     */
    public boolean requiresOwnMailbox() {
        return requiresOwnMailbox;
    }
}
