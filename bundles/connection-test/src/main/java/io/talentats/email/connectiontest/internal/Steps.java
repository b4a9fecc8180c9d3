package io.talentats.email.connectiontest.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.Security;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.StepResult.Outcome;
import io.talentats.email.api.TestStep;
import io.talentats.email.mail.Diagnosis;
import io.talentats.email.mail.GreetingProbe;
import io.talentats.email.mail.MailFailures;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.mail.MailSessions.Protocol;

/** Builds step results, and decides what a failure means, the same way for every step. */
final class Steps {

    /** How long the probe that tells implicit TLS from a plain greeting may take, per attempt. */
    static final int PROBE_TIMEOUT_MS = 2000;
    /** How long a login may take to be answered. */
    static final Duration LOGIN_DEADLINE = Duration.ofSeconds(16);

    private final MailSessions sessions;
    private final Target target;
    private final Function<FailureClass, List<String>> presetAdvice;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    Steps(MailSessions sessions, Target target, Function<FailureClass, List<String>> presetAdvice) {
        this.sessions = sessions;
        this.target = target;
        this.presetAdvice = presetAdvice;
        // A test must answer within its deadline per protocol, whatever the sending timeouts are. The read timeout
        // is long enough for a login that a server delays after failed ones (Dovecot: up to 15 s); a server that
        // never greets is found much sooner by the greeting probe (MailboxTester).
        this.connectTimeout = min(sessions.connectTimeout(), Duration.ofSeconds(5));
        this.readTimeout = min(sessions.readTimeout(), LOGIN_DEADLINE);
    }

    MailSessions sessions() {
        return sessions;
    }

    Target target() {
        return target;
    }

    /** Session properties for a test connection: the product's, with the test's tighter timeouts. */
    Properties properties(Protocol protocol, Endpoint endpoint) {
        Properties p = sessions.properties(protocol, endpoint, target.oauth());
        String prefix = "mail." + protocol.protocolName() + ".";
        p.put(prefix + "connectiontimeout", Long.toString(connectTimeout.toMillis()));
        p.put(prefix + "timeout", Long.toString(readTimeout.toMillis()));
        if (protocol == Protocol.SMTP) {
            p.put("mail.smtp.auth", "true");
        }
        return p;
    }

    StepResult passed(TestStep step, String detail, String serverReply, long startNanos) {
        return new StepResult(step, Outcome.PASSED, null, serverReply, detail, List.of(), since(startNanos));
    }

    StepResult skipped(TestStep step, String why) {
        return new StepResult(step, Outcome.SKIPPED, null, null, why, List.of(), Duration.ZERO);
    }

    /** A failed step, after finding out whether a TLS mix-up explains it. */
    StepResult failed(TestStep step, Protocol protocol, Endpoint ep, Throwable error, String serverReply,
            long startNanos) {
        Diagnosis d = MailFailures.classify(error, serverReply);
        Security suggested = null;
        if (d.failure() == FailureClass.GREETING_TIMEOUT && greetsAsConfigured(ep)) {
            // It greets at once now: what timed out was later in the session, the login (or what follows it).
            return failed(step, protocol, ep, new Diagnosis(FailureClass.LOGIN_TIMEOUT, null, "the server "
                    + "greeted, but did not answer the login within " + readTimeout.toSeconds() + " s"), null,
                    startNanos);
        }
        if (d.failure() == FailureClass.TLS_MISMATCH) {
            suggested = ep.security() == Security.SSL_TLS ? Security.STARTTLS : Security.SSL_TLS;
        } else if (MailFailures.mayBeTlsMixUp(d)) {
            if (ep.security() != Security.SSL_TLS && GreetingProbe.speaksTlsFirst(ep.host(), ep.port(), PROBE_TIMEOUT_MS)) {
                suggested = Security.SSL_TLS;
                d = new Diagnosis(FailureClass.TLS_MISMATCH, null, "the server waited for a TLS handshake: port "
                        + ep.port() + " expects SSL/TLS from the first byte, not " + ep.security().label());
            } else if (ep.security() == Security.SSL_TLS
                    && GreetingProbe.greetsInPlainText(ep.host(), ep.port(), PROBE_TIMEOUT_MS)) {
                suggested = Security.STARTTLS;
                d = new Diagnosis(FailureClass.TLS_MISMATCH, null, "the server greets in plain text: port "
                        + ep.port() + " uses STARTTLS or no encryption, not SSL/TLS");
            }
        }
        return failed(step, protocol, ep, d, suggested, startNanos);
    }

    /** Whether the server greets promptly with the security the settings name (TLS first, or a plain greeting). */
    static boolean greetsAsConfigured(Endpoint ep) {
        return GreetingProbe.greeting(ep.host(), ep.port(), ep.security() == Security.SSL_TLS, PROBE_TIMEOUT_MS)
                == GreetingProbe.Answer.GREETED;
    }

    /**
     * A quick look while a check is still waiting: what a fresh connection shows. A port that completes a TLS
     * handshake at once while the settings say STARTTLS or none expects SSL/TLS (both sides would wait the whole
     * read timeout); a port that greets nobody is a greeting timeout now, not after the login's long deadline.
     *
     * @return the step's result, or {@code null} when the check should go on (it greets; a login may take long)
     */
    StepResult quickLook(TestStep step, Protocol protocol, Endpoint ep, long startNanos) {
        boolean tls = ep.security() == Security.SSL_TLS;
        // A TLS handshake first: an implicit-TLS port completes it at once; a plain one answers with its greeting,
        // which ends the handshake at once too
        if (!tls && GreetingProbe.speaksTlsFirst(ep.host(), ep.port(), PROBE_TIMEOUT_MS)) {
            return failed(step, protocol, ep, new Diagnosis(FailureClass.TLS_MISMATCH, null, "the server waits for a "
                    + "TLS handshake: port " + ep.port() + " expects SSL/TLS from the first byte, not "
                    + ep.security().label()), Security.SSL_TLS, startNanos);
        }
        GreetingProbe.Answer asConfigured = GreetingProbe.greeting(ep.host(), ep.port(), tls, PROBE_TIMEOUT_MS);
        if (asConfigured != GreetingProbe.Answer.SILENT) {
            return null;
        }
        if (tls && GreetingProbe.greetsInPlainText(ep.host(), ep.port(), PROBE_TIMEOUT_MS)) {
            return failed(step, protocol, ep, new Diagnosis(FailureClass.TLS_MISMATCH, null, "the server greets in "
                    + "plain text: port " + ep.port() + " uses STARTTLS or no encryption, not SSL/TLS"),
                    Security.STARTTLS, startNanos);
        }
        return failed(step, protocol, ep, new Diagnosis(FailureClass.GREETING_TIMEOUT, null, "the connection opened "
                + "but the server did not greet within " + (PROBE_TIMEOUT_MS / 1000) + " s"), null, startNanos);
    }

    StepResult failed(TestStep step, Protocol protocol, Endpoint ep, Diagnosis d, Security suggested,
            long startNanos) {
        List<String> advice = new ArrayList<>(presetAdvice.apply(d.failure()));
        advice.addAll(AdviceBook.advice(d.failure(), protocol, ep, target.emailAddress(), target.username(),
                suggested));
        return new StepResult(step, Outcome.FAILED, d.failure(), d.serverReply(), d.detail(), advice, since(startNanos));
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
