package io.talentats.email.health.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ConnectionReport;
import io.talentats.email.api.ConnectionTester;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.Route;
import io.talentats.email.api.TestOptions;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialUnavailableException;
import io.talentats.email.support.Threads;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds broken mailbox connections before the recruiter does. Every look ({@code tick}) it re-checks the enabled
 * accounts that are due (not tested and not used successfully for {@code recheck.interval}; at most as many per
 * look as spreading them over the interval needs, most overdue first), records what the test says in the store,
 * tells the recruiter once per incident by email through the platform ({@link Notices}), and pauses an account
 * failing for {@code pause.after}. A recovery needs no step of ours: the store announces {@code account/HEALTH}
 * {@code HEALTHY} once when the next successful use or test records it.
 *
 * <p>All state lives in the store or in the router's idempotency keys, so a restart neither repeats a notice nor
 * forgets an incident.
 */
@Component(service = AccountHealthWatch.class, configurationPid = HealthWatchConfig.PID, immediate = true)
@Designate(ocd = HealthWatchConfig.class)
public class AccountHealthWatch {

    private static final Logger LOG = LoggerFactory.getLogger(AccountHealthWatch.class);

    /** How much of a recruiter's recent history is read to find their last successful use. */
    private static final PageRequest RECENT = new PageRequest(0, 20);

    /** The watch's configuration, checked. */
    record Settings(Duration interval, Duration tick, boolean notifyRecruiter, Duration unreachableAfter, Duration pauseAfter,
            String pageUrl) {
        static Settings of(HealthWatchConfig c) {
            Duration tick = HealthRules.duration("tick", c.tick());
            if (tick.compareTo(Duration.ofMillis(100)) < 0) {
                throw new IllegalArgumentException("tick must be at least PT0.1S, not " + c.tick());
            }
            return new Settings(HealthRules.duration("recheck.interval", c.recheck_interval()), tick, c.notify_recruiter(),
                    HealthRules.duration("unreachable.notify.after", c.unreachable_notify_after()),
                    HealthRules.duration("pause.after", c.pause_after()), c.page_url());
        }
    }

    /** Used when the first configuration is unusable (the error is logged). */
    private static final Settings DEFAULTS = new Settings(Duration.ofDays(1), Duration.ofMinutes(1), true,
            Duration.ofHours(1), Duration.ofDays(7), "");

    private final AccountSettingsService settings;
    private final ConnectionTester tester;
    private final AccountStates states;
    private final MessageRouter router;
    private final MessageHistory history;
    private final Connectivity connectivity;
    private final Clock clock;
    private final ScheduledExecutorService looks =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("talentats-email-health", null));
    /** The notice keys submitted by this instance (the router refuses a second message per key anyway). */
    private final Map<String, String> told = new ConcurrentHashMap<>();
    private volatile Settings config;
    private ScheduledFuture<?> schedule;

    @Activate
    public AccountHealthWatch(HealthWatchConfig config, @Reference AccountSettingsService settings,
            @Reference ConnectionTester tester, @Reference AccountStates states, @Reference MessageRouter router,
            @Reference MessageHistory history, @Reference Connectivity connectivity) {
        this(config, settings, tester, states, router, history, connectivity, Clock.systemUTC());
    }

    AccountHealthWatch(HealthWatchConfig config, AccountSettingsService settings, ConnectionTester tester,
            AccountStates states, MessageRouter router, MessageHistory history, Connectivity connectivity,
            Clock clock) {
        this.settings = settings;
        this.tester = tester;
        this.states = states;
        this.router = router;
        this.history = history;
        this.connectivity = connectivity;
        this.clock = clock;
        modified(config);
    }

    @Modified
    synchronized void modified(HealthWatchConfig c) {
        Settings s;
        try {
            s = Settings.of(c);
        } catch (IllegalArgumentException e) {
            LOG.error("Account health watch ({}) not changed: {}", HealthWatchConfig.PID, e.getMessage());
            if (config != null) {
                return;
            }
            s = DEFAULTS;
        }
        config = s;
        if (schedule != null) {
            schedule.cancel(false);
        }
        schedule = looks.scheduleWithFixedDelay(this::lookSafely, s.tick().toMillis(), s.tick().toMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("Account health watch: re-check every {}, notify {}, pause after {}", s.interval(),
                s.notifyRecruiter() ? "on" : "off", s.pauseAfter().isZero() ? "never" : s.pauseAfter());
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        looks.shutdownNow();
        if (!looks.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("The account health watch did not stop within 30 s");
        }
    }

    private void lookSafely() {
        try {
            look();
        } catch (RuntimeException e) {
            // The store or ConfigAdmin failing now must not end the schedule.
            LOG.warn("Account health look failed; next look in {}: {}", config.tick(), e.toString());
        }
    }

    /** One look: re-checks what is due, then tells and pauses. Package-private for the unit test. */
    void look() {
        Settings s = config;
        Instant now = clock.instant();
        List<Account> accounts = settings.list();
        if (connectivity.isEnabled()) {
            recheck(accounts, s, now);
        }
        // Listed again: the re-checks just recorded health (on this node or, through the store, on another)
        for (Account a : settings.list()) {
            if (a.enabled() && !a.health().isHealthy() && !Thread.currentThread().isInterrupted()) {
                incident(a, s, clock.instant());
            }
        }
    }

    private void recheck(List<Account> accounts, Settings s, Instant now) {
        record Due(Account account, Instant lastLook) {}
        List<Due> due = new ArrayList<>();
        for (Account a : accounts) {
            Instant look = HealthRules.lastLook(a, null);
            if (HealthRules.due(a, look, now, s.interval())) {
                look = HealthRules.lastLook(a, lastUse(a.userId()));
                if (HealthRules.due(a, look, now, s.interval())) {
                    due.add(new Due(a, look));
                }
            }
        }
        due.sort(Comparator.comparing(Due::lastLook));
        int budget = HealthRules.budget(accounts.size(), s.tick(), s.interval());
        for (Due d : due.subList(0, Math.min(budget, due.size()))) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            recheck(d.account());
        }
    }

    /** Tests the stored settings and records what the test says (a passed test records healthy itself). */
    private void recheck(Account a) {
        String user = a.userId();
        try {
            ConnectionReport report = tester.testStored(user, TestOptions.loginOnly());
            Optional<AccountHealth> failing = HealthRules.fromReport(report, clock.instant());
            failing.ifPresent(h -> states.recordHealth(user, h));
            LOG.info("Re-check of user {}: {}", user, report.summary());
        } catch (CredentialUnavailableException e) {
            if (e.needsSignIn()) {
                states.recordHealth(user, new AccountHealth(AccountHealth.State.NEEDS_REAUTHORIZATION,
                        e.getMessage(), clock.instant()));
            }
            LOG.info("Re-check of user {}: the stored sign-in cannot be used: {}", user, e.getMessage());
        } catch (NoSuchElementException disconnectedMeanwhile) {
            // nothing to check any more
        }
    }

    /** The last time the account was used successfully: a message sent through it, a reply collected from it. */
    private Instant lastUse(String user) {
        for (MessageRecord r : history.forUser(user, RECENT).items()) {
            if (r.direction() == MessageRecord.Direction.INBOUND) {
                return r.createdAt();
            }
            if (r.status() == MessageStatus.SENT && r.route() == Route.USER_SMTP && r.completedAt() != null) {
                return r.completedAt();
            }
        }
        return null;
    }

    private void incident(Account a, Settings s, Instant now) {
        if (s.notifyRecruiter() && HealthRules.worthTelling(a.health(), now, s.unreachableAfter())) {
            tell(a, Notices.stopped(a, s.pageUrl()));
        }
        if (HealthRules.pauseDue(a, now, s.pauseAfter())) {
            try {
                settings.save(a.userId(), a.toDraft().toBuilder().enabled(false).build());
                LOG.warn("Paused the email account of user {}: failing since {} ({})", a.userId(), a.health().since(),
                        a.health().state());
            } catch (InvalidSettingsException e) {
                LOG.error("Cannot pause the email account of user {}: {}", a.userId(), e.getMessage());
                return;
            }
            if (s.notifyRecruiter()) {
                tell(a, Notices.paused(a, s.pageUrl(), Duration.between(a.health().since(), now).toDays()));
            }
        }
    }

    private void tell(Account a, OutboundMessage notice) {
        String key = notice.idempotencyKey();
        if (told.containsKey(key)) {
            return;
        }
        try {
            router.submit(notice);
            if (told.size() > 10_000) {
                told.clear(); // a bound only: the router's idempotency keys are what keeps a notice single
            }
            told.put(key, a.userId());
            LOG.info("Told user {} at {}: {}", a.userId(), a.emailAddress(), notice.content().subject());
        } catch (MessageRejectedException e) {
            // Platform transport not configured, say: the next look tries again.
            LOG.warn("Cannot tell user {} that their account is {}: {}", a.userId(), a.health().state(),
                    e.getMessage());
        }
    }
}
