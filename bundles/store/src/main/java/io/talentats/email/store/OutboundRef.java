package io.talentats.email.store;

import java.time.Instant;

/**
 * What the reply collector needs to know of an outbound message to tie a reply to it.
 *
 * @param id our message id
 * @param userId the recruiter who sent it
 * @param internetMessageId its Message-ID header
 * @param threadId the ATS thread, or {@code null}
 * @param candidateId the ATS candidate, or {@code null}
 * @param applicationId the ATS application, or {@code null}
 * @param createdAt when it was queued
 * @param primaryRecipient its first recipient, lower case
 */
public record OutboundRef(String id, String userId, String internetMessageId, String threadId, String candidateId,
        String applicationId, Instant createdAt, String primaryRecipient) {}
