package io.talentats.email.connectiontest.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Secret;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.StepResult.Outcome;
import io.talentats.email.api.TestOptions;
import io.talentats.email.api.TestStep;
import io.talentats.email.api.Verification;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tests mailbox settings for real: SMTP and IMAP login side by side, then optionally a round trip. Each protocol
 * gets at most {@link #PROTOCOL_DEADLINE}; a check that overruns it is cut off and reported.
 */
@Component
public class MailboxTester implements ConnectionTester {

    private static final Logger LOG = LoggerFactory.getLogger(MailboxTester.class);
    static final Duration PROTOCOL_DEADLINE = Duration.ofSeconds(15);

    private final MailSessions sessions;
    private final AccountSettingsService settings;
    private final CredentialVault vault;
    private final ExecutorService workers;
    private final Clock clock = Clock.systemUTC();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ProviderPresets presets;

    /** Where the outcome of a test of stored settings is remembered; absent while the store is not installed. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccountStates states;

    @Activate
    public MailboxTester(@Reference MailSessions sessions, @Reference AccountSettingsService settings,
            @Reference CredentialVault vault) {
        this.sessions = sessions;
        this.settings = settings;
        this.vault = vault;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                sessions.threads("talentats-connection-test"));
        pool.allowCoreThreadTimeOut(true);
        this.workers = pool;
    }

    @Deactivate
    void deactivate() {
        workers.shutdownNow();
    }

    @Override
    public ConnectionReport test(String userId, AccountDraft draft, TestOptions options)
            throws InvalidSettingsException {
        List<FieldError> errors = settings.validate(userId, draft);
        if (!errors.isEmpty()) {
            throw new InvalidSettingsException(errors);
        }
        Secret password = draft.password() != null && !draft.password().isEmpty()
                ? draft.password()
                : vault.open(userId).map(MailAccount::password).orElseThrow(() -> new InvalidSettingsException(
                        List.of(new FieldError("password", "Enter the password to test the connection"))));
        String address = draft.emailAddress().trim();
        Target target = new Target(address,
                draft.username() == null || draft.username().isEmpty() ? address : draft.username(), password,
                draft.displayName(), draft.smtp(), draft.imap(), draft.presetId());
        ConnectionReport report = run(target, options);
        if (userId != null && report.passed()) {
            vault.recordPassedTest(userId, draft, new Verification(report.testedAt(), true, report.summary()));
        }
        return report;
    }

    @Override
    public ConnectionReport testStored(String userId, TestOptions options) {
        MailAccount a = vault.open(userId)
                .orElseThrow(() -> new NoSuchElementException("User " + userId + " has no email account"));
        ConnectionReport report = run(new Target(a.emailAddress(), a.username(), a.password(), a.displayName(),
                a.smtp(), a.imap(), a.presetId()), options);
        AccountStates s = states;
        if (s != null) {
            s.recordVerification(userId, new Verification(report.testedAt(), report.passed(), report.summary()));
            if (report.passed()) {
                s.recordHealth(userId, AccountHealth.healthy());
            }
        }
        return report;
    }

    ConnectionReport run(Target target, TestOptions options) {
        Instant testedAt = clock.instant();
        String presetId = presetFor(target);
        Function<FailureClass, List<String>> presetAdvice = failure -> {
            ProviderPresets p = presets;
            return p == null || presetId == null ? List.of() : p.adviceFor(presetId, failure);
        };
        Steps steps = new Steps(sessions, target, presetAdvice);
        SmtpLoginCheck smtp = new SmtpLoginCheck(steps);
        ImapLoginCheck imap = new ImapLoginCheck(steps);
        Future<StepResult> smtpResult = workers.submit(smtp::run);
        Future<StepResult> imapResult = workers.submit(imap::run);
        List<StepResult> results = new ArrayList<>();
        results.add(await(smtpResult, TestStep.SMTP, smtp::abort, steps));
        results.add(await(imapResult, TestStep.IMAP, imap::abort, steps));
        if (options.roundTrip()) {
            if (results.stream().allMatch(StepResult::passed)) {
                results.addAll(new RoundTripCheck(steps, options).run());
            } else {
                results.add(steps.skipped(TestStep.ROUND_TRIP_SEND, "skipped: SMTP and IMAP must pass first"));
                results.add(steps.skipped(TestStep.ROUND_TRIP_RECEIVE, "skipped: SMTP and IMAP must pass first"));
            }
        }
        ConnectionReport report = new ConnectionReport(testedAt, presetId, results);
        LOG.info("Connection test of {} ({} / {}): {}", target.emailAddress(), target.smtp(), target.imap(),
                report.summary());
        return report;
    }

    private StepResult await(Future<StepResult> result, TestStep step, Runnable abort, Steps steps) {
        long start = System.nanoTime();
        try {
            return result.get(PROTOCOL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            abort.run();
            result.cancel(true);
            return new StepResult(step, Outcome.FAILED, FailureClass.GREETING_TIMEOUT, null,
                    "no answer within " + PROTOCOL_DEADLINE.toSeconds() + " s; the test was stopped",
                    List.of("The server is not answering in time; check the server name and port, or try again later."),
                    Steps.since(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort.run();
            throw new IllegalStateException("Connection test interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("Connection test failed unexpectedly", e.getCause());
        }
    }

    private String presetFor(Target target) {
        if (target.presetId() != null) {
            return target.presetId();
        }
        ProviderPresets p = presets;
        return p == null ? null : p.lookup(target.emailAddress()).map(ProviderPreset::id).orElse(null);
    }

}
