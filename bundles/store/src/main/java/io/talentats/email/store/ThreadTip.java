package io.talentats.email.store;

/** The latest message of a thread, for In-Reply-To and References of the next one. */
public record ThreadTip(String internetMessageId, String referencesHeader) {}
