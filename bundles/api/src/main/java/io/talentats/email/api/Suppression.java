package io.talentats.email.api;

import java.time.Instant;

/**
 * An address that hard-bounced, remembered so that the next message to it is refused (or sent with a warning, as
 * the router is configured).
 *
 * @param userId the recruiter whose message bounced
 * @param address the address, lower case
 * @param statusCode the RFC 3463 status code, e.g. {@code 5.1.1}
 * @param reason the remote server's words
 * @param messageId our message that bounced
 * @param since when the bounce arrived
 */
public record Suppression(String userId, String address, String statusCode, String reason, String messageId,
        Instant since) {

    /** The bounce in words, for a refusal or a warning: {@code a@b.example bounced on … (5.1.1: reason)}. */
    public String describe() {
        return address + " bounced on " + since + " (" + statusCode + (reason == null ? "" : ": " + reason) + ")";
    }
}
