package io.talentats.email.router.internal;

import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.support.Redact;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a message a lane could not send, by the failure's kind: retried with the retry policy's delays
 * until it is exhausted, failed for good with the server's words, or handed to the platform when the recruiter's
 * server refused the login and the message may go that way. Runs on the lane's serial executor.
 */
final class SendOutcomes {

    private static final Logger LOG = LoggerFactory.getLogger(SendOutcomes.class);

    private final LaneContext ctx;
    private final Route route;
    private final Lane.Host host;

    SendOutcomes(LaneContext ctx, Route route, Lane.Host host) {
        this.ctx = ctx;
        this.route = route;
        this.host = host;
    }

    /**
     * Decides what becomes of a message whose send failed: retried later, failed for good, or (a refused login of
     * a recruiter, for mail the platform may send) handed to the platform.
     *
     * @return whether the recruiter's server refused the login: the lane must open the account again
     */
    boolean failed(Job job, int attempt, SendFailure f, AccountLogin login) {
        String reason = f.reason() + (f.serverReply() == null ? "" : ": " + f.serverReply());
        switch (f.kind()) {
            case AUTHENTICATION -> {
                return loginRefused(job, attempt, f);
            }
            case PERMANENT -> fail(job, attempt, reason, f.serverReply());
            case TRANSIENT -> {
                if (login != null && f.serverReply() == null) {
                    login.unreachable(f.reason());
                }
                retryLater(job, attempt, reason, f.serverReply());
            }
        }
        return false;
    }

    private boolean loginRefused(Job job, int attempt, SendFailure f) {
        if (route == Route.PLATFORM) {
            LOG.error("The platform SMTP server refused the platform login ({}): check {}", f.serverReply(),
                    PlatformConfig.PID);
            retryLater(job, attempt, "the platform SMTP server refused the platform login", f.serverReply());
            return false;
        }
        // The login recorded the account's health (a refused token was already tried again with a fresh one)
        if (!job.message().kind().requiresOwnMailbox() && ctx.authFailureFallback()) {
            host.reroute(new Job(job.message(), job.decision(), job.account(), attempt),
                    "the recruiter's SMTP server refused the login");
        } else {
            fail(job, attempt, "the recruiter's SMTP server refused the login"
                    + (f.serverReply() == null ? "" : " (" + f.serverReply() + ")")
                    + ": update the password in Email Connection Settings, then retry the message", f.serverReply());
        }
        return true;
    }

    void retryLater(Job job, int attempts, String reason, String serverReply) {
        RetryPolicy retry = ctx.retry();
        if (retry.exhausted(attempts)) {
            fail(job, attempts, "gave up after " + attempts + " attempts: " + reason, serverReply);
            return;
        }
        java.time.Duration wait = retry.delayAfter(attempts);
        ctx.store().reschedule(job.message().id(), MessageStatus.RETRYING, ctx.clock().instant().plus(wait),
                attempts, reason + "; next attempt in " + wait.toSeconds() + " s", serverReply);
    }

    void fail(Job job, int attempts, String reason, String serverReply) {
        ctx.store().markFailed(job.message().id(), attempts, reason, serverReply);
        ctx.events().post(EmailEvents.MESSAGE_FAILED, job.message(), route);
        LOG.info("Message {} of user {} failed: {}", job.message().id(), job.message().userId(),
                Redact.addresses(reason));
    }
}
