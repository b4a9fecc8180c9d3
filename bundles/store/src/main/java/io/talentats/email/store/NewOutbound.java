package io.talentats.email.store;

import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;

/**
 * An outbound message as the router stores it at submit: the message, and the route and status it starts with.
 *
 * @param mail the message, written once
 * @param route the route chosen at submit
 * @param routeReason why, in words
 * @param status {@code QUEUED}, or {@code HELD} while connectivity is off
 */
public record NewOutbound(OutboundMail mail, Route route, String routeReason, MessageStatus status) {}
