package io.talentats.email.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.MessageEvent;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageRejectedException;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.OutboundMessage;
import io.talentats.email.api.Security;
import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.MailConfig;
import io.talentats.email.replies.internal.WatchEngine;
import io.talentats.email.router.internal.Outbox;
import io.talentats.email.router.internal.RouterConfig;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.store.internal.StoreFixture;

import org.osgi.util.converter.Converters;

/**
 * Acceptance run against a real Postfix and Dovecot ({@code benchmarks/mail-servers.sh start}): a recruiter sends
 * through the bouncing Postfix (127.0.0.1:2588) to an address that does not exist; Postfix accepts it, its queue
 * manager bounces it with a real DSN into the recruiter's Dovecot mailbox; the collector, watching that mailbox
 * over IMAP, must end the message BOUNCED with Postfix's status and words, suppress the address and refuse the next
 * message to it. Prints what it saw and exits non-zero when any of it does not hold.
 */
public final class BounceAcceptance {

    public static void main(String[] args) throws Exception {
        java.util.logging.Logger.getLogger("org.flywaydb").setLevel(java.util.logging.Level.WARNING);
        String user = "bench7";
        String address = user + "@bench.localhost";
        String nobody = "nobody-" + Long.toString(System.nanoTime(), 36) + "@bounce.localhost";
        ReplyBenchmark.clear(user);
        Path dir = Files.createTempDirectory("talentats-bounce-acceptance");
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:h2:file:" + dir.resolve("messages") + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0");
        hc.setUsername("sa");
        boolean ok = true;
        try (HikariDataSource ds = new HikariDataSource(hc)) {
            StoreFixture store = StoreFixture.open(ds);
            AngusMailSessions sessions = new AngusMailSessions(Converters.standardConverter()
                    .convert(Map.of("trusted.certificates", ReplyBenchmark.CERT.toString())).to(MailConfig.class));
            WatchEngine engine = ReplyBenchmark.engine(store, sessions, true, 3, e -> { });
            engine.watch(user);
            ReplyBenchmark.await(() -> ReplyBenchmark.idle(engine, user), Duration.ofSeconds(30));
            BenchAccount account = new BenchAccount(user, address, "bench",
                    new Endpoint("localhost", 2588, Security.STARTTLS), ReplyBenchmark.IMAP);
            RouterConfig config = Converters.standardConverter().convert(Map.of()).to(RouterConfig.class);
            Outbox outbox = new Outbox(config, "acceptance-node", store, sessions, account,
                    new io.talentats.email.mail.internal.SmtpImapAccess(sessions, account, store, java.time.Clock.systemUTC()),
                    () -> true, Announcer.to(() -> null), () -> null);
            long t0 = System.nanoTime();
            String id = outbox.submit(OutboundMessage.builder().senderUserId(user).kind(MessageKind.CUSTOM)
                    .to(nobody).subject("Your application").textBody("Hello, thanks for applying.").build())
                    .messageId();
            ReplyBenchmark.await(() -> status(store, id) == MessageStatus.SENT
                    || status(store, id) == MessageStatus.BOUNCED, Duration.ofSeconds(30));
            long sentAt = System.nanoTime();
            ReplyBenchmark.await(() -> status(store, id) == MessageStatus.BOUNCED, Duration.ofSeconds(60));
            long bouncedAt = System.nanoTime();
            MessageRecord r = store.find(id).orElseThrow();
            Table t = new Table("what", "seen");
            t.row("status", r.status());
            t.row("failure reason", r.failureReason());
            t.row("server reply", r.lastServerReply());
            for (MessageEvent e : store.events(id)) {
                t.row("timeline " + e.status(), e.detail());
            }
            t.row("submit -> SENT (ms)", Math.round((sentAt - t0) / 1e6));
            t.row("SENT -> BOUNCED (ms)", Math.round((bouncedAt - sentAt) / 1e6));
            boolean suppressed = !store.find(user, List.of(nobody)).isEmpty();
            t.row("address suppressed", suppressed);
            String refused;
            try {
                outbox.submit(OutboundMessage.builder().senderUserId(user).kind(MessageKind.CUSTOM).to(nobody)
                        .subject("Again").textBody("Hello again.").build());
                refused = "no: it was accepted";
            } catch (MessageRejectedException e) {
                refused = e.reason() + ": " + e.getMessage();
            }
            t.row("next message to it", refused);
            t.print();
            ok = r.status() == MessageStatus.BOUNCED && r.failureReason() != null
                    && r.failureReason().contains("5.1.1") && r.failureReason().contains(nobody)
                    && r.failureReason().toLowerCase(Locale.ROOT).contains("unknown user") && suppressed
                    && refused.startsWith("RECIPIENT_BOUNCED");
            System.out.println(ok ? "\nACCEPTED: a real Postfix bounce ended the message BOUNCED with Postfix's words"
                    : "\nNOT ACCEPTED: see above");
            outbox.stop();
            engine.deactivate();
            store.close();
        }
        System.exit(ok ? 0 : 1);
    }

    private static MessageStatus status(StoreFixture store, String id) {
        return store.find(id).map(MessageRecord::status).orElse(null);
    }
}
