package io.talentats.email.replies.internal;

import io.talentats.email.api.Account;

/** What an account's watcher component asks of the engine; a service private to this bundle. */
public interface Watchers {

    /**
     * Watches the user's mailbox.
     *
     * @param access the account's way into it ({@link Account#mailAccess()}): over IMAP, or polled through a
     *     provider's API
     */
    void watch(String userId, String access);

    /** Watches the user's mailbox over IMAP. */
    default void watch(String userId) {
        watch(userId, Account.SMTP_IMAP);
    }

    void unwatch(String userId);
}
