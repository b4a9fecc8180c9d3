package io.talentats.email.connectiontest.internal;

import io.talentats.email.api.FailureClass;

/**
 * Why a step failed.
 *
 * @param failure the class of failure
 * @param serverReply the server's own words, or {@code null}
 * @param detail what happened, one line, for the report
 */
record Diagnosis(FailureClass failure, String serverReply, String detail) {}
