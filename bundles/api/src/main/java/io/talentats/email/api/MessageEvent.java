package io.talentats.email.api;

import java.time.Instant;

/** One entry of a message's timeline: a status it entered, when, and what happened. */
public record MessageEvent(Instant at, MessageStatus status, String detail) {}
