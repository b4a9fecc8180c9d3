package io.talentats.email.store;

/** Where a watched folder has been read up to: its UIDVALIDITY and the last UID processed. */
public record Checkpoint(String userId, String folder, long uidValidity, long lastUid) {}
