package io.talentats.email.api;

import java.time.Instant;
import java.util.List;

/**
 * A message as the history keeps it, outbound or inbound.
 *
 * @param id our id
 * @param direction outbound (we sent it) or inbound (a candidate's reply)
 * @param kind the outbound kind, {@code null} for inbound
 * @param userId the recruiter
 * @param status where it stands
 * @param route how it left (outbound), {@code null} before routing or for inbound
 * @param routeReason why that route, in words
 * @param from the From header as sent or received
 * @param replyTo the Reply-To header, or {@code null}
 * @param to the recipients
 * @param subject the subject
 * @param textBody the plain-text body, or {@code null}
 * @param htmlBody the HTML body, or {@code null}
 * @param replyText inbound only: the new text of the reply with the quoted part removed
 * @param attachments what was attached
 * @param candidateId the ATS candidate, or {@code null}
 * @param applicationId the ATS application, or {@code null}
 * @param threadId the ATS thread, or {@code null}
 * @param internetMessageId the Message-ID header
 * @param inReplyTo inbound only: our id of the message answered
 * @param createdAt when it was queued (outbound) or collected (inbound)
 * @param updatedAt when its status last changed
 * @param completedAt when it was sent (outbound) or received by the server (inbound), or {@code null}
 * @param attempts delivery attempts made
 * @param lastServerReply the SMTP server's last reply, e.g. {@code 250 2.0.0 OK}, or {@code null}
 * @param failureReason why it failed or is being retried, or {@code null}
 * @param sentCopy outbound only: what became of the copy in the Sent folder
 */
public record MessageRecord(
        String id,
        Direction direction,
        MessageKind kind,
        String userId,
        MessageStatus status,
        Route route,
        String routeReason,
        String from,
        String replyTo,
        List<String> to,
        String subject,
        String textBody,
        String htmlBody,
        String replyText,
        List<AttachmentInfo> attachments,
        String candidateId,
        String applicationId,
        String threadId,
        String internetMessageId,
        String inReplyTo,
        Instant createdAt,
        Instant updatedAt,
        Instant completedAt,
        int attempts,
        String lastServerReply,
        String failureReason,
        SentCopy sentCopy) {

    public MessageRecord {
        to = to == null ? List.of() : List.copyOf(to);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** The same record in another status (e.g. {@code SENDING} while a worker holds it). */
    public MessageRecord withStatus(MessageStatus newStatus) {
        return new MessageRecord(id, direction, kind, userId, newStatus, route, routeReason, from, replyTo, to,
                subject, textBody, htmlBody, replyText, attachments, candidateId, applicationId, threadId,
                internetMessageId, inReplyTo, createdAt, updatedAt, completedAt, attempts, lastServerReply,
                failureReason, sentCopy);
    }

    /** The same record with these attachments. */
    public MessageRecord withAttachments(List<AttachmentInfo> newAttachments) {
        return new MessageRecord(id, direction, kind, userId, status, route, routeReason, from, replyTo, to,
                subject, textBody, htmlBody, replyText, newAttachments, candidateId, applicationId, threadId,
                internetMessageId, inReplyTo, createdAt, updatedAt, completedAt, attempts, lastServerReply,
                failureReason, sentCopy);
    }

    /** Which way a message went. */
    public enum Direction {
        OUTBOUND,
        INBOUND
    }

    /** What became of the copy of a sent message in the recruiter's Sent folder. */
    public enum SentCopy {
        /** Not applicable: not sent yet, sent through the platform, or inbound. */
        NONE,
        /** Waiting to be appended. */
        PENDING,
        /** Appended to the Sent folder. */
        SAVED,
        /** Not appended because the provider files sent mail itself (or the account says so). */
        SKIPPED,
        /** Appending failed; the send itself succeeded. */
        FAILED
    }
}
