package io.talentats.email.store;

import java.util.List;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;

/**
 * An outbound message as the router stores it at submit: what the ATS asked for, plus the route chosen, the
 * Message-ID and reply token it will carry on every attempt, and the thread headers.
 */
public record NewOutbound(
        String userId,
        MessageKind kind,
        Route route,
        String routeReason,
        MessageStatus status,
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
        String idempotencyKey,
        String replyToken,
        String internetMessageId,
        String inReplyToHeader,
        String referencesHeader) {}
