package io.talentats.email.shell.internal;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.ClusterNode;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.OutboxStats;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.WatcherStatus;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

@Command(scope = "email", name = "status", description = "Connectivity, every account's health and watcher, the outbox")
@Service
public class StatusCommand implements Action {

    @Reference
    Connectivity connectivity;

    @Reference
    AccountSettingsService settings;

    @Reference(optional = true)
    MessageRouter router;

    @Reference(optional = true)
    ReplyCollector collector;

    @Override
    public Object execute() {
        System.out.println("Email connectivity: " + (connectivity.isEnabled() ? "enabled" : "DISABLED"));
        if (router != null) {
            OutboxStats o = router.outbox();
            System.out.printf("Outbox: %d queued, %d retrying, %d held, %d sending; %d failed in the last 24 h%n",
                    o.queued(), o.retrying(), o.held(), o.sending(), o.failedLastDay());
        } else {
            System.out.println("Outbox: the router is not running");
        }
        Map<String, WatcherStatus> watchers = collector == null ? Map.of()
                : collector.watchers().stream().collect(Collectors.toMap(WatcherStatus::userId, Function.identity()));
        ShellTable t = new ShellTable();
        t.column("User");
        t.column("Address");
        t.column("Enabled");
        t.column("Last test");
        t.column("Health");
        t.column("Watcher");
        t.column("Replies");
        t.column("Last reply");
        for (Account a : settings.list()) {
            WatcherStatus w = watchers.get(a.userId());
            t.addRow().addContent(a.userId(), a.emailAddress(), a.enabled() ? "yes" : "no",
                    a.lastVerification() == null ? "never"
                            : (a.lastVerification().passed() ? "passed " : "failed ") + a.lastVerification().at(),
                    a.health().state(),
                    w == null ? (collector == null ? "stopped" : "-") : watcher(w),
                    w == null ? "" : w.repliesCollected(),
                    w == null || w.lastReplyAt() == null ? "" : w.lastReplyAt());
        }
        t.print(System.out);
        if (collector != null) {
            nodes(collector.nodes());
        }
        return null;
    }

    /** The nodes on this database, when there is more than this one: which watch how many mailboxes. */
    private static void nodes(java.util.List<ClusterNode> nodes) {
        if (nodes.size() < 2) {
            return;
        }
        java.time.Instant now = java.time.Instant.now();
        ShellTable t = new ShellTable();
        t.column("Node");
        t.column("State");
        t.column("Mailboxes");
        t.column("Started");
        t.column("Last seen");
        for (ClusterNode n : nodes) {
            t.addRow().addContent(n.nodeId() + (n.self() ? " (this one)" : ""), n.alive() ? "alive" : "gone",
                    n.mailboxes(), n.startedAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                    Math.max(0, java.time.Duration.between(n.seenAt(), now).toSeconds()) + " s ago");
        }
        System.out.println();
        t.print(System.out);
    }

    /** IDLE, or e.g. "BACKING_OFF since 2026-12-01T10:00:00Z, attempt 3: connection refused". */
    private static String watcher(WatcherStatus w) {
        StringBuilder sb = new StringBuilder(w.mode().name());
        if (w.mode() != WatcherStatus.Mode.IDLE && w.mode() != WatcherStatus.Mode.POLL && w.since() != null) {
            sb.append(" since ").append(w.since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        }
        if (w.attempt() > 0) {
            sb.append(", attempt ").append(w.attempt());
        }
        if (w.lastError() != null) {
            sb.append(": ").append(w.lastError());
        }
        if (w.node() != null) {
            // Which node of the cluster watches it, and how long its lease has to run
            sb.append(" [").append(w.mode() == WatcherStatus.Mode.ELSEWHERE ? "on " : "here, ").append(w.node());
            if (w.leaseUntil() != null) {
                sb.append(", lease ").append(Math.max(0, java.time.Duration.between(java.time.Instant.now(),
                        w.leaseUntil()).toSeconds())).append(" s left");
            }
            sb.append(']');
        }
        return sb.toString();
    }
}
