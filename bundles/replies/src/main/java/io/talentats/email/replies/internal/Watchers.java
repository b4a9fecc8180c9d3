package io.talentats.email.replies.internal;

/** What an account's watcher component asks of the engine; a service private to this bundle. */
public interface Watchers {

    void watch(String userId);

    void unwatch(String userId);
}
