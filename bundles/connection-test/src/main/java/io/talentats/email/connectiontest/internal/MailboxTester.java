package io.talentats.email.connectiontest.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
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
import io.talentats.email.api.Endpoint;
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
import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.MailAccess;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.mail.MailSessions.Protocol;
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
    static final Duration PROTOCOL_DEADLINE = Duration.ofSeconds(20);
    /** A check still waiting after this long gets a quick look for a TLS mix-up on its port. */
    static final Duration QUICK_LOOK = Duration.ofSeconds(1);

    private final MailSessions sessions;
    private final AccountSettingsService settings;
    private final CredentialVault vault;
    private final MailAccess access;
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
            @Reference CredentialVault vault, @Reference(target = "(" + MailAccess.PROPERTY + "=" + MailAccess.BY_ACCOUNT + ")") MailAccess access) {
        this.sessions = sessions;
        this.settings = settings;
        this.vault = vault;
        this.access = access;
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
        if (draft.oauthProvider() != null) {
            // Signed in with OAuth: nothing typed can be tested; the stored sign-in is.
            return testStored(userId, options);
        }
        Secret password = draft.password() != null && !draft.password().isEmpty()
                ? draft.password()
                : access.login(userId).account().map(MailAccount::password).orElseThrow(() -> new InvalidSettingsException(
                        List.of(new FieldError("password", "Enter the password to test the connection"))));
        String address = draft.emailAddress().trim();
        Target target = new Target(address,
                draft.username() == null || draft.username().isEmpty() ? address : draft.username(), password,
                draft.displayName(), draft.smtp(), draft.imap(), draft.presetId(), false);
        ConnectionReport report = run(target, options);
        if (userId != null && report.passed()) {
            vault.recordPassedTest(userId, draft, new Verification(report.testedAt(), true, report.summary()));
        }
        return report;
    }

    @Override
    public ConnectionReport testStored(String userId, TestOptions options) {
        AccountLogin login = access.login(userId);
        MailAccount a = login.account()
                .orElseThrow(() -> new NoSuchElementException("User " + userId + " has no email account"));
        java.util.Optional<io.talentats.email.mail.ApiInbox> api = login.inbox();
        ConnectionReport report = api.isPresent() ? ApiChecks.run(a, api.get(), clock.instant(), a.presetId())
                : run(new Target(a.emailAddress(), a.username(), a.password(), a.displayName(), a.smtp(), a.imap(),
                        a.presetId(), a.oauth()), options);
        if (api.isPresent()) {
            LOG.info("Connection test of user {} through {}: {}", userId, a.access(), report.summary());
        }
        AccountStates s = states;
        if (s != null) {
            s.recordVerification(userId, new Verification(report.testedAt(), report.passed(), report.summary()));
        }
        if (report.passed()) {
            login.record(AccountHealth.healthy());
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
        long started = System.nanoTime();
        CompletableFuture<StepResult> smtpResult = CompletableFuture.supplyAsync(smtp::run, workers);
        CompletableFuture<StepResult> imapResult = CompletableFuture.supplyAsync(imap::run, workers);
        // Side by side with each check: a quick look at its port if it is still waiting after a second
        CompletableFuture<StepResult> smtpLook = quickLook(smtpResult, TestStep.SMTP, Protocol.SMTP, target.smtp(),
                steps, started);
        CompletableFuture<StepResult> imapLook = quickLook(imapResult, TestStep.IMAP, Protocol.IMAP, target.imap(),
                steps, started);
        List<StepResult> results = new ArrayList<>();
        results.add(await(smtpResult, smtpLook, TestStep.SMTP, smtp::abort, started));
        results.add(await(imapResult, imapLook, TestStep.IMAP, imap::abort, started));
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

    /**
     * Completes with the quick look's finding when the check is still waiting after {@link #QUICK_LOOK} and the
     * port shows a TLS mix-up or greets nobody; never completes otherwise (the check's own result then counts).
     */
    private CompletableFuture<StepResult> quickLook(CompletableFuture<StepResult> check, TestStep step,
            Protocol protocol, Endpoint ep, Steps steps, long start) {
        CompletableFuture<StepResult> finding = new CompletableFuture<>();
        CompletableFuture.runAsync(() -> {
            try {
                check.get(QUICK_LOOK.toNanos() - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
            } catch (TimeoutException stillWaiting) {
                StepResult seen = steps.quickLook(step, protocol, ep, start);
                LOG.debug("Quick look at {} after {} ms: {}", ep, Steps.since(start).toMillis(),
                        seen == null ? "it greets; the check goes on" : seen.failure());
                if (seen != null && !check.isDone()) {
                    finding.complete(seen);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | java.util.concurrent.CancellationException done) {
                // the check ended; its result counts
            }
        }, workers);
        return finding;
    }

    /** The check's result, or the quick look's if that comes first, within {@link #PROTOCOL_DEADLINE}. */
    private StepResult await(CompletableFuture<StepResult> result, CompletableFuture<StepResult> look, TestStep step,
            Runnable abort, long start) {
        try {
            long left = PROTOCOL_DEADLINE.toNanos() - (System.nanoTime() - start);
            StepResult first = result.applyToEither(look, r -> r).get(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (!result.isDone()) {
                // A TLS mix-up or a server that greets nobody, told by the probe: the check need not wait on.
                // Closing blocks while Jakarta Mail is still connecting (both hold the service's lock), so it is
                // done aside; the check's thread ends at its read timeout at the latest.
                CompletableFuture.runAsync(abort, workers);
                result.cancel(true);
            }
            return first;
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
