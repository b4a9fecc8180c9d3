package io.talentats.email.store;

import java.time.Instant;

import io.talentats.email.api.MessageContent;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;

/**
 * An outbound message loaded whole for delivery: the message as written at submit, and where its delivery stands.
 *
 * @param id our message id
 * @param mail the message, enough to build the same MIME message again
 * @param status where its delivery stands
 * @param route the route stored with it
 * @param createdAt when it was queued
 * @param attempts attempts made so far
 */
public record StoredOutbound(String id, OutboundMail mail, MessageStatus status, Route route, Instant createdAt,
        int attempts) {

    public String userId() {
        return mail.userId();
    }

    public MessageKind kind() {
        return mail.kind();
    }

    public MessageContent content() {
        return mail.content();
    }
}
