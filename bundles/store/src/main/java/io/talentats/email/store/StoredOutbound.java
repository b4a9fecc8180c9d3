package io.talentats.email.store;

import java.time.Instant;
import java.util.List;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;

/** An outbound message loaded whole for delivery: everything needed to build the same MIME message again. */
public record StoredOutbound(
        String id,
        String userId,
        MessageKind kind,
        MessageStatus status,
        Route route,
        String senderName,
        String senderAddress,
        List<String> to,
        List<String> cc,
        String subject,
        String textBody,
        String htmlBody,
        List<Attachment> attachments,
        String candidateId,
        String applicationId,
        String threadId,
        String replyToken,
        String internetMessageId,
        String inReplyToHeader,
        String referencesHeader,
        Instant createdAt,
        int attempts) {}
