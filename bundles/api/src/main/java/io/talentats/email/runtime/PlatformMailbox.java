package io.talentats.email.runtime;

import java.util.Optional;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears of the platform's own IMAP mailbox, where bounces of mail sent on recruiters' behalf come back: the router's
 * platform configuration pushes it to every listener registered as a service (the reply collector), with its
 * password decrypted, never as service properties.
 */
@ConsumerType
public interface PlatformMailbox {

    /** The user id the platform mailbox's checkpoints and suppressed addresses are kept under. */
    String USER_ID = "*platform*";

    /** The platform mailbox changed: {@code account} to watch, or empty when none is configured. */
    void platformMailbox(Optional<MailAccount> account);
}
