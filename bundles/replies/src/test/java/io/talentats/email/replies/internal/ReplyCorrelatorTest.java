package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.talentats.email.replies.internal.ReplyCorrelator.Decision;
import io.talentats.email.replies.internal.ReplyCorrelator.Kind;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.InboundMessage;
import io.talentats.email.store.MailboxStats;
import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore;
import io.talentats.email.store.ReplyStore.Bounce;

import org.junit.jupiter.api.Test;

class ReplyCorrelatorTest {

    static final String T1 = "aaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String T2 = "bbbbbbbbbbbbbbbbbbbbbbbbbb";
    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    private static OutboundRef ref(String id, String token, String thread, String to) {
        return new OutboundRef(id, "u1", "<" + token + ".t@corp.test>", thread, "c-" + id, null, NOW.minusSeconds(3600),
                to);
    }

    private final List<OutboundRef> sent = List.of(ref("m1", T1, "thread-1", "cand@x.test"),
            ref("m2", T2, "thread-2", "twice@x.test"), ref("m3", "cccccccccccccccccccccccccc", "thread-3", "twice@x.test"));

    private final ReplyStore store = new ReplyStore() {
        @Override
        public Optional<Checkpoint> checkpoint(String userId, String folder) {
            return Optional.empty();
        }

        @Override
        public List<OutboundRef> outboundByMessageIds(String userId, Collection<String> ids) {
            return sent.stream().filter(r -> ids.contains(r.internetMessageId())).toList();
        }

        @Override
        public List<OutboundRef> outboundByTokens(String userId, Collection<String> tokens) {
            return sent.stream().filter(r -> tokens.contains(ReplyCorrelator.tokenOf(r.internetMessageId()))).toList();
        }

        @Override
        public List<OutboundRef> outboundTo(String userId, Collection<String> addresses, Instant since) {
            return sent.stream().filter(r -> addresses.contains(r.primaryRecipient())).toList();
        }

        @Override
        public List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint,
                io.talentats.email.store.WatchLeases.Lease lease) {
            return record(messages, checkpoint);
        }

        @Override
        public List<Recorded> record(List<InboundMessage> messages, Checkpoint checkpoint) {
            return List.of();
        }

        @Override
        public boolean recordBounce(Bounce bounce) {
            return false;
        }

        @Override
        public void recordReadReceipt(String userId, String outboundId, String detail) {}

        @Override
        public MailboxStats stats(String userId) {
            return MailboxStats.NONE;
        }

        @Override
        public Optional<Instant> firstOutboundAt(String userId) {
            return Optional.empty();
        }
    };

    private static Envelope env(long uid, String messageId, String inReplyTo, String references, String from,
            String subject) {
        return new Envelope(uid, messageId, Envelope.ids(inReplyTo), Envelope.ids(references),
                (inReplyTo == null ? "" : inReplyTo) + " " + (references == null ? "" : references), from, List.of(),
                subject, false);
    }

    @Test
    void tiesEachReplyTheBestWayItCan() {
        ReplyCorrelator c = new ReplyCorrelator(store, Duration.ofDays(30));
        Map<Long, Decision> d = c.decide("u1", "jane@corp.test", List.of(
                env(1, "<r1@c>", "<" + T1 + ".t@corp.test>", null, "cand@x.test", "Re"),
                env(2, "<r2@c>", null, "<x@y> <" + T1 + ".t@corp.test>", "cand@x.test", "Re"),
                env(3, "<r3@c>", "<" + T2 + ".t@rewritten.relay>", null, "other@x.test", "Re"),
                env(4, "<r4@c>", null, null, "cand@x.test", "No headers"),
                env(5, "<r5@c>", null, null, "twice@x.test", "Which one?"),
                env(6, "<r6@c>", null, null, "stranger@x.test", "Lunch?"),
                env(7, "<" + T1 + ".t@corp.test>", null, null, "jane@corp.test", "our own copy"),
                env(8, "<r8@c>", null, null, "jane@corp.test", "the recruiter writing")), NOW);
        assertThat(d.get(1L).answers().id()).isEqualTo("m1");
        assertThat(d.get(1L).how()).contains("In-Reply-To");
        assertThat(d.get(2L).answers().id()).isEqualTo("m1");
        assertThat(d.get(2L).how()).contains("References");
        assertThat(d.get(3L).answers().id()).isEqualTo("m2");
        assertThat(d.get(3L).how()).contains("token");
        assertThat(d.get(4L).answers().id()).isEqualTo("m1");
        assertThat(d.get(4L).how()).contains("recent thread");
        assertThat(d.get(5L).kind()).isEqualTo(Kind.TRIAGE);
        assertThat(d.get(5L).how()).contains("2 recent threads");
        assertThat(d.get(6L).kind()).isEqualTo(Kind.IGNORE);
        assertThat(d.get(7L).kind()).isEqualTo(Kind.IGNORE);
        assertThat(d.get(8L).kind()).isEqualTo(Kind.IGNORE);
    }

    @Test
    void withoutTheSenderFallbackUnthreadedMailIsLeftAlone() {
        ReplyCorrelator c = new ReplyCorrelator(store, Duration.ZERO);
        assertThat(c.decide("u1", "jane@corp.test", List.of(env(4, "<r4@c>", null, null, "cand@x.test", "x")), NOW)
                .get(4L).kind()).isEqualTo(Kind.IGNORE);
    }
}
