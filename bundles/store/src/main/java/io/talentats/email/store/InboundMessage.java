package io.talentats.email.store;

import java.time.Instant;
import java.util.List;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;

/**
 * A message collected from a recruiter's mailbox, to be recorded once.
 *
 * @param userId the recruiter
 * @param status {@code RECEIVED} (tied to a thread), {@code TRIAGE} (could be more than one) or
 *     {@code QUARANTINED} (could not be read)
 * @param dedupeKey what makes it the same message again (its Message-ID, or the folder position when it has none)
 * @param answers the outbound message it answers, or {@code null} for triage and quarantine
 * @param from the From header
 * @param to the recipients
 * @param subject the subject
 * @param textBody the plain text, or {@code null}
 * @param htmlBody the HTML, or {@code null}
 * @param replyText the new text of the reply without the quoted part, or {@code null}
 * @param attachments attachments; content may be {@code null} when larger than the kept limit
 * @param internetMessageId its Message-ID, or {@code null}
 * @param receivedAt when the server received it
 * @param note why it is in triage or quarantine, or {@code null}
 * @param kind {@code AUTO_REPLY} for an automatic answer (out of office), {@code null} for a candidate's reply
 */
public record InboundMessage(String userId, MessageStatus status, String dedupeKey, OutboundRef answers, String from,
        List<String> to, String subject, String textBody, String htmlBody, String replyText,
        List<Attachment> attachments, String internetMessageId, Instant receivedAt, String note, MessageKind kind) {

    /** Whether it is a candidate's own reply (not an automatic one). */
    public boolean candidateReply() {
        return status == MessageStatus.RECEIVED && kind != MessageKind.AUTO_REPLY;
    }
}
