package io.talentats.email.api;

import java.time.Instant;

/**
 * The remembered outcome of a connection test: when, whether it passed, and a one-line summary such as
 * {@code "SMTP passed; IMAP failed: AUTHENTICATION_FAILED"}. Holds no secret.
 */
public record Verification(Instant at, boolean passed, String summary) {}
