package io.talentats.email.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.talentats.email.api.MessageContent;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageRecord;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.PageRequest;
import io.talentats.email.api.Route;
import io.talentats.email.store.Checkpoint;
import io.talentats.email.store.InboundMessage;
import io.talentats.email.store.NewOutbound;
import io.talentats.email.store.OutboundMail;
import io.talentats.email.store.OutboundRef;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReplyTablesTest {

    private StoreFixture store;

    @BeforeEach
    void database() throws Exception {
        store = StoreFixture.open(StoreTest.emptyDatabase(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private String outbound(String user, String thread) {
        String token = "tok" + UUID.randomUUID().toString().substring(0, 8);
        return store.enqueue(new NewOutbound(new OutboundMail(user, MessageKind.CUSTOM, "Jane", "jane@corp.test",
                new MessageContent(List.of("cand@cand.test"), List.of(), "Interview", "Hi", null, List.of(), "c1",
                        "a1", thread), null, token, "<" + token + "@corp.test>", null, null), Route.USER_SMTP,
                "connected", MessageStatus.QUEUED)).id();
    }

    private static InboundMessage inbound(String user, MessageStatus status, OutboundRef answers, String key) {
        return new InboundMessage(user, status, key, answers, "cand@cand.test", List.of("jane@corp.test"), "Re: x",
                "text", null, "text", List.of(), "<" + key + "@cand.test>", Instant.now(),
                status == MessageStatus.RECEIVED ? null : "why", null);
    }

    @Test
    void countersMoveWithTheCheckpointAndSurviveAsStoredValues() {
        String out = outbound("rita", "t1");
        OutboundRef ref = store.outboundByMessageIds("rita", List.of(store.find(out).orElseThrow().internetMessageId()))
                .get(0);
        assertThat(store.stats("rita").repliesRecorded()).isZero();
        store.record(List.of(inbound("rita", MessageStatus.RECEIVED, ref, "a"),
                inbound("rita", MessageStatus.QUARANTINED, null, "b")), new Checkpoint("rita", "INBOX", 7, 10));
        store.record(List.of(inbound("rita", MessageStatus.RECEIVED, ref, "a")), new Checkpoint("rita", "INBOX", 7, 11));
        store.record(List.of(inbound("rita", MessageStatus.RECEIVED, ref, "c")), new Checkpoint("rita", "Other", 3, 5));
        assertThat(store.stats("rita").repliesRecorded()).as("replies only, each once, over folders").isEqualTo(2);
        assertThat(store.stats("rita").lastReplyAt()).isNotNull();
        Checkpoint cp = store.checkpoint("rita", "INBOX").orElseThrow();
        assertThat(cp.lastUid()).isEqualTo(11);
        assertThat(cp.readAt()).isNotNull();
        assertThat(store.quarantined(PageRequest.first(10)).items()).extracting(MessageRecord::userId)
                .containsExactly("rita");
        assertThat(store.firstOutboundAt("rita")).isPresent();
        assertThat(store.firstOutboundAt("nobody")).isEmpty();
    }

    @Test
    void aTriageItemIsAssignedToOneOfTheSameRecruitersMessagesOrDismissed() {
        String mine = outbound("rita", "t-mine");
        String someoneElses = outbound("sam", "t-sam");
        store.record(List.of(inbound("rita", MessageStatus.TRIAGE, null, "t1"),
                inbound("rita", MessageStatus.TRIAGE, null, "t2")), null);
        List<MessageRecord> triage = store.triage(PageRequest.first(10)).items();
        assertThat(triage).hasSize(2);
        String first = triage.get(0).id();
        String second = triage.get(1).id();

        assertThat(store.assignTriage(first, someoneElses)).as("another recruiter's message").isEmpty();
        MessageRecord assigned = store.assignTriage(first, mine).orElseThrow();
        assertThat(assigned.status()).isEqualTo(MessageStatus.RECEIVED);
        assertThat(assigned.threadId()).isEqualTo("t-mine");
        assertThat(assigned.inReplyTo()).isEqualTo(mine);
        assertThat(store.assignTriage(first, mine)).as("no longer in triage").isEmpty();
        assertThat(store.forThread("t-mine", PageRequest.first(10)).items()).extracting(MessageRecord::id)
                .contains(first);

        assertThat(store.dismissTriage(second)).isTrue();
        assertThat(store.dismissTriage(second)).isFalse();
        assertThat(store.find(second).orElseThrow().status()).isEqualTo(MessageStatus.DISMISSED);
        assertThat(store.triage(PageRequest.first(10)).items()).isEmpty();
        assertThat(store.events(second)).extracting(e -> e.status()).contains(MessageStatus.DISMISSED);
    }
}
