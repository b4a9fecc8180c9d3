package io.talentats.email.api;

import java.util.List;

/**
 * What a message says and what it is about: recipients, subject, bodies, attachments and the ATS ids. The one value
 * that an {@link OutboundMessage}, the outbox's stored messages and the REST input share, so that a new field is
 * added in one place.
 *
 * @param to the candidate's address(es)
 * @param cc copies
 * @param subject the subject
 * @param textBody the plain-text body, or {@code null}
 * @param htmlBody the HTML body, or {@code null}
 * @param attachments attached files
 * @param candidateId the ATS candidate the message is about, or {@code null}
 * @param applicationId the ATS application the message is about, or {@code null}
 * @param threadId the ATS conversation the message belongs to, or {@code null} to start a new one
 */
public record MessageContent(
        List<String> to,
        List<String> cc,
        String subject,
        String textBody,
        String htmlBody,
        List<Attachment> attachments,
        String candidateId,
        String applicationId,
        String threadId) {

    public MessageContent {
        to = to == null ? List.of() : List.copyOf(to);
        cc = cc == null ? List.of() : List.copyOf(cc);
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** The same content with these recipients (e.g. trimmed). */
    public MessageContent withRecipients(List<String> newTo, List<String> newCc) {
        return new MessageContent(newTo, newCc, subject, textBody, htmlBody, attachments, candidateId, applicationId,
                threadId);
    }
}
