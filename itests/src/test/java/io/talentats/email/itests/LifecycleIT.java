package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import io.talentats.email.api.Account;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.Security;
import io.talentats.email.api.SubmitReceipt;
import io.talentats.email.api.WatcherStatus;
import io.talentats.email.itests.support.ScriptedServer;

import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.ReferenceDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

/**
 * The connectivity switch and hot deploy: switching off stops every use of recruiters' SMTP and every IMAP watcher
 * without losing a queued message; uninstalling the features leaves no thread and no socket behind; installing them
 * again resumes from the stored state. Threads are ours by name ({@code talentats-*}, and Jakarta Mail's event
 * threads); sockets are the TCP connections this JVM holds to the mail servers, from /proc/net/tcp.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class LifecycleIT extends MailTestSupport {

    private static final Duration STOP_WITHIN = Duration.ofSeconds(20);

    /**
     * The features service as it is now. Karaf replaces its instance when its configuration is read after boot
     * (its executor then rejects work), and that can happen after the test starts: so no injected instance.
     */
    private FeaturesService features() {
        return context.getService(context.getServiceReference(FeaturesService.class));
    }

    @Configuration
    public Option[] config() {
        return new Option[] {
            // Installed one by one, so that the router and the collector can be uninstalled on their own while the
            // API the test itself uses stays
            karaf("talentats-email-core", "talentats-email-connection-test", "talentats-email-router",
                    "talentats-email-replies", "talentats-email-greenmail"),
            etcConfig("io.talentats.email.router", "retry.initial.delay.ms", "300"),
            etcConfig("io.talentats.email.router", "retry.max.delay.ms", "1000"),
            mailConfig("read.timeout.ms", "1500"),
        };
    }

    @Test
    public void theSwitchStopsRecruiterSmtpAndEveryWatcherAndResumesWithoutLosingMail() throws Exception {
        String watched = recruiter("switch-watched-" + UUID.randomUUID() + "@corp.test", mail.smtpsPort());
        awaitWatcher(watched, WatcherStatus.Mode.IDLE);
        assertTrue("the watcher holds an IMAP connection", connectionsTo(mail.imapsPort()) > 0);

        SubmitReceipt queued;
        try (ScriptedServer silent = ScriptedServer.silent()) {
            // A custom message whose server never answers: it waits in the outbox, retrying
            String stuck = recruiter("switch-stuck-" + UUID.randomUUID() + "@corp.test", silent.port());
            queued = router().submit(message(stuck, MessageKind.CUSTOM, "cand1@candidates.test").build());
            SubmitReceipt queuedNow = queued;
            await("the first attempt to time out", Duration.ofSeconds(20), () -> status(queuedNow) == MessageStatus.RETRYING);

            connectivity.setEnabled(false);
            await("connectivity off", Duration.ofSeconds(10), () -> !connectivity.isEnabled());
            await("the watcher to stop", STOP_WITHIN, () -> watcher(watched).map(w ->
                    w.mode() == WatcherStatus.Mode.STOPPED).orElse(true));
            await("no connection to the recruiters' IMAP or SMTP servers", STOP_WITHIN, () ->
                    connectionsTo(mail.imapsPort()) == 0 && connectionsTo(mail.smtpsPort()) == 0
                            && connectionsTo(silent.port()) == 0);
            await("the queued message to be held, not failed", Duration.ofSeconds(20),
                    () -> status(queuedNow) == MessageStatus.HELD);

            // While off, nothing reconnects
            long before = silent.accepted();
            SubmitReceipt stage = router().submit(message(stuck, MessageKind.STAGE_CHANGE, "cand2@candidates.test")
                    .build());
            awaitStatus(stage.messageId(), MessageStatus.SENT);
            assertEquals("system mail went through the platform", io.talentats.email.api.Route.PLATFORM,
                    history.find(stage.messageId()).orElseThrow().route());
            assertEquals(before, silent.accepted());
            assertEquals(0, connectionsTo(mail.imapsPort()));

            // The recruiter fixes their server while off; switching on sends the held message there
            Account a = settings.get(stuck).orElseThrow();
            settings.save(stuck, a.toDraft().toBuilder().smtp(new Endpoint("localhost", mail.smtpsPort(),
                    Security.SSL_TLS)).build());
        } finally {
            connectivity.setEnabled(true);
            await("connectivity on", Duration.ofSeconds(10), connectivity::isEnabled);
        }
        SubmitReceipt held = queued;
        awaitWatcher(watched, WatcherStatus.Mode.IDLE);
        await("the held message to go out through the fixed server", Duration.ofSeconds(30),
                () -> status(held) == MessageStatus.SENT);
        assertEquals(1, count(mail.greenMail(), "cand1@candidates.test",
                history.find(held.messageId()).orElseThrow().subject()));
    }

    @Test
    public void uninstallLeavesNoThreadOrSocketAndReinstallResumesFromTheStoredState() throws Exception {
        String address = "hot-" + UUID.randomUUID() + "@corp.test";
        String user = recruiter(address, mail.smtpsPort());
        awaitWatcher(user, WatcherStatus.Mode.IDLE);
        String thread = "thread-" + UUID.randomUUID();
        SubmitReceipt first = router().submit(message(user, MessageKind.CUSTOM, "cand@candidates.test")
                .threadId(thread).build());
        MessageRecord out = awaitStatus(first.messageId(), MessageStatus.SENT);
        assertFalse("threads before", ourThreads().isEmpty());
        assertTrue("connections before", connectionsTo(mail.imapsPort()) > 0);

        try (ScriptedServer silent = ScriptedServer.silent()) {
            String stuck = recruiter("hot-stuck-" + UUID.randomUUID() + "@corp.test", silent.port());
            SubmitReceipt waiting = router().submit(message(stuck, MessageKind.CUSTOM, "cand3@candidates.test")
                    .build());
            await("the message to wait in the outbox", Duration.ofSeconds(20),
                    () -> status(waiting) == MessageStatus.RETRYING);

            features().uninstallFeature("talentats-email-replies");
            features().uninstallFeature("talentats-email-router");
            await("no router or collector service", STOP_WITHIN, () -> context.getServiceReference(
                    MessageRouter.class) == null && context.getServiceReference(ReplyCollector.class) == null);
            await("no thread of ours left: " + ourThreads(), STOP_WITHIN, () -> ourThreads().isEmpty());
            await("no connection to any mail server left", STOP_WITHIN, () -> connectionsTo(mail.imapsPort()) == 0
                    && connectionsTo(mail.smtpsPort()) == 0 && connectionsTo(silent.port()) == 0);

            // Mail that arrives while we are gone, and a fix made meanwhile
            reply("cand@candidates.test", address, "Re: " + out.subject(), "Sounds good, see you then.",
                    out.internetMessageId(), out.internetMessageId());
            Account a = settings.get(stuck).orElseThrow();
            settings.save(stuck, a.toDraft().toBuilder().smtp(new Endpoint("localhost", mail.smtpsPort(),
                    Security.SSL_TLS)).build());

            features().installFeature("talentats-email-router");
            features().installFeature("talentats-email-replies");
            MessageHistory again = service(MessageHistory.class);
            await("the reply collected after reinstall", Duration.ofSeconds(60), () -> again.forThread(thread,
                    PageRequest.first(10)).items().stream().anyMatch(m -> m.status() == MessageStatus.RECEIVED));
            await("the waiting message sent after reinstall", Duration.ofSeconds(60), () -> again.find(
                    waiting.messageId()).map(m -> m.status() == MessageStatus.SENT).orElse(false));
            assertEquals("the reply is recorded once", 1, again.forThread(thread, PageRequest.first(10)).items()
                    .stream().filter(m -> m.status() == MessageStatus.RECEIVED).count());
        }
    }

    /**
     * The settings service and the OAuth token service each hold an optional reference to the other's service.
     * Restarting the settings bundle brings both back at once; neither may be left without the other (a cycle SCR
     * breaks by leaving one reference empty), and the log shows no framework error.
     */
    @Test
    public void afterTheSettingsBundleRestartsEveryOptionalReferenceIsBound() throws Exception {
        features().installFeature("talentats-email-oauth");
        Bundle settingsBundle = java.util.Arrays.stream(context.getBundles())
                .filter(b -> "io.talentats.email.settings".equals(b.getSymbolicName())).findFirst().orElseThrow();
        await("the OAuth token service", Duration.ofSeconds(30),
                () -> context.getServiceReference(io.talentats.email.runtime.AccessTokens.class) != null);
        long logBefore = Files.size(karafLog());
        settingsBundle.stop();
        settingsBundle.start();
        // Every optional reference of our running components whose service is there is bound
        await("the optional references bound: " + unboundReferences(),
                Duration.ofSeconds(30), () -> unboundReferences().isEmpty());
        assertEquals("no component of ours references, through others, a service of its own", List.of(),
                referenceCycles());
        String logged = new String(Files.readAllBytes(karafLog()), java.nio.charset.StandardCharsets.ISO_8859_1)
                .substring((int) logBefore);
        assertFalse("no framework error after the restart: " + logged, logged.contains("FrameworkEvent ERROR"));
        assertFalse(logged, logged.contains("resulted in a cycle"));
    }

    /**
     * The cycles among our components' references (mandatory or optional): a component whose references lead back
     * to a service it provides (and that the reference's target admits: a whiteboard that tracks the others of its
     * kind is no cycle). SCR can create such a pair only by leaving one reference empty for a while, and says so
     * with a framework error whenever both are created together.
     */
    private List<String> referenceCycles() {
        return withScr(scr -> {
            java.util.Map<String, List<ComponentDescriptionDTO>> providers = new java.util.HashMap<>();
            List<ComponentDescriptionDTO> ours = ourComponents(scr);
            for (ComponentDescriptionDTO d : ours) {
                for (String service : d.serviceInterfaces) {
                    providers.computeIfAbsent(service, k -> new java.util.ArrayList<>()).add(d);
                }
            }
            java.util.Map<String, Set<String>> uses = new java.util.HashMap<>();
            for (ComponentDescriptionDTO d : ours) {
                for (ReferenceDTO r : d.references) {
                    for (ComponentDescriptionDTO p : providers.getOrDefault(r.interfaceName, List.of())) {
                        if (admits(r.target, p)) {
                            uses.computeIfAbsent(d.name, k -> new java.util.TreeSet<>()).add(p.name);
                        }
                    }
                }
            }
            List<String> cycles = new java.util.ArrayList<>();
            for (String start : uses.keySet()) {
                java.util.Deque<List<String>> paths = new java.util.ArrayDeque<>(List.of(List.of(start)));
                Set<String> seen = new java.util.HashSet<>();
                while (!paths.isEmpty()) {
                    List<String> path = paths.poll();
                    for (String next : uses.getOrDefault(path.get(path.size() - 1), Set.of())) {
                        if (next.equals(start)) {
                            cycles.add(String.join(" -> ", path) + " -> " + start);
                        } else if (seen.add(next)) {
                            List<String> longer = new java.util.ArrayList<>(path);
                            longer.add(next);
                            paths.add(longer);
                        }
                    }
                }
            }
            return cycles;
        });
    }

    /** Whether a reference's target filter admits the service of component {@code p}. */
    private static boolean admits(String target, ComponentDescriptionDTO p) {
        try {
            return target == null || org.osgi.framework.FrameworkUtil.createFilter(target).matches(p.properties);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ComponentDescriptionDTO> ourComponents(ServiceComponentRuntime scr) {
        return scr.getComponentDescriptionDTOs().stream()
                .filter(d -> d.bundle.symbolicName.startsWith("io.talentats.email")).toList();
    }

    private <T> T withScr(java.util.function.Function<ServiceComponentRuntime, T> use) {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        try {
            return use.apply(context.getService(ref));
        } finally {
            context.ungetService(ref);
        }
    }

    private static Path karafLog() {
        return Paths.get(System.getProperty("karaf.data"), "log", "karaf.log");
    }

    /**
     * The optional dynamic references of our active components that are unbound while a service they would take is
     * registered, as "component: reference (interface) unbound".
     */
    private List<String> unboundReferences() {
        return withScr(scr -> {
            List<String> wrong = new java.util.ArrayList<>();
            for (ComponentDescriptionDTO d : ourComponents(scr)) {
                if (!scr.isComponentEnabled(d)) {
                    continue;
                }
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state != ComponentConfigurationDTO.ACTIVE) {
                        continue; // unsatisfied ones lack a mandatory service; satisfied ones are not created yet
                    }
                    for (ReferenceDTO r : d.references) {
                        if (!r.cardinality.startsWith("0") || !"dynamic".equals(r.policy)) {
                            continue;
                        }
                        SatisfiedReferenceDTO s = java.util.Arrays.stream(c.satisfiedReferences)
                                .filter(b -> b.name.equals(r.name)).findFirst().orElse(null);
                        String target = s == null ? r.target : s.target;
                        boolean bound = s != null && s.boundServices.length > 0;
                        if (!bound && registered(r.interfaceName, target)) {
                            wrong.add(d.name + ": " + r.name + " (" + r.interfaceName + ") unbound");
                        }
                    }
                }
            }
            return wrong;
        });
    }

    private boolean registered(String service, String filter) {
        try {
            return context.getServiceReferences(service, filter) != null;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private MessageStatus status(SubmitReceipt r) {
        return history.find(r.messageId()).map(MessageRecord::status).orElse(null);
    }

    private <T> T service(Class<T> type) {
        await(type.getSimpleName() + " available", Duration.ofSeconds(60),
                () -> context.getServiceReference(type) != null);
        ServiceReference<T> ref = context.getServiceReference(type);
        T s = context.getService(ref);
        assertNotNull(type.getSimpleName(), s);
        return s;
    }

    private Optional<WatcherStatus> watcher(String user) {
        ServiceReference<ReplyCollector> ref = context.getServiceReference(ReplyCollector.class);
        if (ref == null) {
            return Optional.empty();
        }
        ReplyCollector c = context.getService(ref);
        try {
            return c == null ? Optional.empty()
                    : c.watchers().stream().filter(w -> w.userId().equals(user)).findFirst();
        } finally {
            context.ungetService(ref);
        }
    }

    private void awaitWatcher(String user, WatcherStatus.Mode mode) {
        await(user + "'s watcher in " + mode, Duration.ofSeconds(30),
                () -> watcher(user).map(w -> w.mode() == mode).orElse(false));
    }

    /** Live threads of ours: our executors name theirs talentats-*, Jakarta Mail names its event threads. */
    static Set<String> ourThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("talentats-") || n.contains("EventQueue") || n.contains("JavaMail"))
                .collect(Collectors.toSet());
    }

    /**
     * TCP connections this machine holds to {@code port} on the client side that are still open on our end
     * (ESTABLISHED, or CLOSE_WAIT: the server hung up and we never closed).
     */
    static long connectionsTo(int port) {
        String hexPort = String.format(":%04X", port);
        long n = 0;
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Paths.get(file);
            if (!Files.exists(p)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(p)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 3 && f[2].endsWith(hexPort) && (f[3].equals("01") || f[3].equals("08"))) {
                        n++;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return n;
    }
}
