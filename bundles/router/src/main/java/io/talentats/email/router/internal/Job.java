package io.talentats.email.router.internal;

import io.talentats.email.api.Account;
import io.talentats.email.router.internal.RoutingPolicy.Decision;
import io.talentats.email.store.StoredOutbound;

/**
 * One delivery attempt to make.
 *
 * @param message the message, loaded whole
 * @param decision the route decided when it was claimed
 * @param account the recruiter's account as it was then (masked), or {@code null}
 * @param attempts attempts already made, including any in this claim (a fallback after a refused login)
 */
record Job(StoredOutbound message, Decision decision, Account account, int attempts) {}
