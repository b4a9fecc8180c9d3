package io.talentats.email.router.internal;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.Route;

/**
 * The guide's routing rules, as one pure function used both at submit and again at delivery (the state may have
 * changed in between): stage-change and interview mail through the recruiter's own SMTP server when their account
 * is connected, enabled and working, otherwise through the platform on their behalf; custom messages only through
 * the recruiter's own server.
 */
final class RoutingPolicy {

    private RoutingPolicy() {}

    /** What to do with a message now. */
    enum Action {
        /** Send through {@link Decision#route()}. */
        SEND,
        /** Keep it queued until connectivity is switched on again, or the recruiter signs in again. */
        HOLD,
        /** It cannot be sent; at submit it is refused. */
        FAIL,
        /** Try again later (the platform transport is not configured right now). */
        WAIT
    }

    /**
     * @param action what to do
     * @param route the route, for {@code SEND}
     * @param reason why, in words for the history
     */
    record Decision(Action action, Route route, String reason) {}

    /**
     * @param account the recruiter's account, or {@code null} if none is connected
     * @param connectivity whether email connectivity is on
     * @param platformReady whether the platform transport is configured
     */
    static Decision decide(MessageKind kind, Account account, boolean connectivity, boolean platformReady) {
        boolean authFailing = account != null
                && account.health().state() == AccountHealth.State.AUTHENTICATION_FAILING;
        boolean signInNeeded = account != null
                && account.health().state() == AccountHealth.State.NEEDS_REAUTHORIZATION;
        if (kind.requiresOwnMailbox()) {
            if (!connectivity) {
                return new Decision(Action.HOLD, Route.USER_SMTP, "email connectivity is disabled");
            }
            if (account == null) {
                return new Decision(Action.FAIL, Route.USER_SMTP, "no email account is connected: custom messages "
                        + "are sent only from the recruiter's own mailbox; connect it in Email Connection Settings");
            }
            if (!account.enabled()) {
                return new Decision(Action.FAIL, Route.USER_SMTP, "the recruiter's email account is disabled: "
                        + "custom messages are sent only from the recruiter's own mailbox");
            }
            if (signInNeeded) {
                return new Decision(Action.HOLD, Route.USER_SMTP, "the recruiter must sign in again with "
                        + account.oauthProvider() + " (" + account.health().reason() + ")");
            }
            if (authFailing) {
                return new Decision(Action.FAIL, Route.USER_SMTP, "the recruiter's SMTP server refuses the stored "
                        + "login (" + account.health().reason() + "): update the password in Email Connection "
                        + "Settings, then retry the message");
            }
            return new Decision(Action.SEND, Route.USER_SMTP, "custom message: sent from the recruiter's own mailbox");
        }
        String whyNotOwn;
        if (kind == MessageKind.ACCOUNT_NOTICE) {
            whyNotOwn = "a notice about the recruiter's own mailbox connection";
        } else if (!connectivity) {
            whyNotOwn = "email connectivity is disabled";
        } else if (account == null) {
            whyNotOwn = "no email account is connected";
        } else if (!account.enabled()) {
            whyNotOwn = "the recruiter's email account is disabled";
        } else if (authFailing) {
            whyNotOwn = "the recruiter's SMTP login is failing";
        } else if (signInNeeded) {
            whyNotOwn = "the recruiter must sign in again";
        } else {
            return new Decision(Action.SEND, Route.USER_SMTP, "the recruiter's mailbox is connected");
        }
        if (!platformReady) {
            return new Decision(Action.WAIT, Route.PLATFORM, whyNotOwn + " and the platform transport is not "
                    + "configured (io.talentats.email.platform)");
        }
        return new Decision(Action.SEND, Route.PLATFORM, whyNotOwn + ": sent by the platform on the recruiter's behalf");
    }
}
