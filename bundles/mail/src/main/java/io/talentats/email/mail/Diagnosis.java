package io.talentats.email.mail;

import io.talentats.email.api.FailureClass;

/**
 * What a failed mail call means.
 *
 * @param failure the class of failure
 * @param serverReply the server's own words, or {@code null}
 * @param detail what happened, one line, for the report
 */
public record Diagnosis(FailureClass failure, String serverReply, String detail) {

    /**
     * The server refused the login itself (wrong password, app password or OAuth needed, access switched off; for a
     * provider's API: a permission not granted, or the mailbox not enabled for the API).
     */
    public boolean loginRefused() {
        return switch (failure) {
            case AUTHENTICATION_FAILED, APP_PASSWORD_REQUIRED, BASIC_AUTH_DISABLED, SMTP_AUTH_DISABLED, IMAP_DISABLED,
                    PERMISSION_NOT_GRANTED, API_ACCESS_DISABLED -> true;
            default -> false;
        };
    }
}
