package io.talentats.email.store;

import io.talentats.email.api.MessageContent;
import io.talentats.email.api.MessageKind;

/**
 * An outbound message as it is written once, at submit: what the ATS asked for, and the Message-ID, reply token and
 * thread headers it carries on every attempt. How its delivery goes is kept apart ({@link StoredOutbound}).
 *
 * @param userId the recruiter
 * @param kind stage change, interview invitation or custom
 * @param senderName the recruiter's name as the ATS or the account gives it, or {@code null}
 * @param senderAddress the recruiter's address, or {@code null}
 * @param content recipients, subject, bodies, attachments and ATS ids
 * @param idempotencyKey the caller's key, or {@code null}
 * @param replyToken our token in the Message-ID and Reply-To, for tying replies to it
 * @param internetMessageId the Message-ID header
 * @param inReplyToHeader the In-Reply-To header, or {@code null}
 * @param referencesHeader the References header, or {@code null}
 */
public record OutboundMail(
        String userId,
        MessageKind kind,
        String senderName,
        String senderAddress,
        MessageContent content,
        String idempotencyKey,
        String replyToken,
        String internetMessageId,
        String inReplyToHeader,
        String referencesHeader) {}
