package io.talentats.email.store;

import io.talentats.email.api.MessageRecord.SentCopy;
import io.talentats.email.api.Route;

/**
 * A message the SMTP server accepted.
 *
 * @param id the message id
 * @param route the route it took
 * @param routeReason why
 * @param from the From header sent
 * @param replyTo the Reply-To header sent, or {@code null}
 * @param attempts attempts made, this one included
 * @param serverReply the server's reply to the end of DATA
 * @param sentCopy whether a copy goes to the Sent folder ({@code PENDING}) or why not
 */
public record Delivery(String id, Route route, String routeReason, String from, String replyTo, int attempts,
        String serverReply, SentCopy sentCopy) {}
