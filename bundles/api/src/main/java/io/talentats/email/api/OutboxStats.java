package io.talentats.email.api;

/**
 * The outbox at a glance.
 *
 * @param queued waiting for a worker or a sending limit
 * @param retrying waiting for the next attempt after a transient failure
 * @param held waiting for connectivity to be switched on
 * @param sending being sent now
 * @param failedLastDay given up in the last 24 hours
 */
public record OutboxStats(long queued, long retrying, long held, long sending, long failedLastDay) {

    public long depth() {
        return queued + retrying + held + sending;
    }
}
