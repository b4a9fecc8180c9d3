package io.talentats.email.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import io.talentats.email.api.Attachment;
import io.talentats.email.api.MessageContent;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.MessageStatus;
import io.talentats.email.api.Route;
import io.talentats.email.store.OutboundMail;
import io.talentats.email.store.StoredOutbound;

import org.junit.jupiter.api.Test;

class BacklogTest {

    private static StoredOutbound message(String id, int attachmentBytes) {
        List<Attachment> attachments = attachmentBytes == 0 ? List.of()
                : List.of(new Attachment("cv.pdf", "application/pdf", new byte[attachmentBytes]));
        MessageContent content = new MessageContent(List.of("cand@example.org"), List.of(), "Hello", "text", null,
                attachments, "c1", null, null);
        return new StoredOutbound(id, new OutboundMail("u1", MessageKind.CUSTOM, "Jane", "jane@example.com", content,
                null, "tok", "<tok.t@example.com>", null, null), MessageStatus.QUEUED, Route.USER_SMTP, Instant.EPOCH, 0);
    }

    @Test
    void aMessageClaimedAgainWhileItWaitsInItsLaneIsNotHandedOverTwice() {
        Backlog backlog = new Backlog();
        StoredOutbound m = message("01A", 0);
        assertThat(backlog.addClaimed(m)).isTrue();
        assertThat(backlog.addClaimed(m)).as("its lease ran out before its turn").isFalse();
        assertThat(backlog.size()).isEqualTo(1);
        backlog.remove(m);
        assertThat(backlog.size()).isZero();
        assertThat(backlog.addClaimed(m)).as("processed, then due again (a retry)").isTrue();
    }

    @Test
    void aClaimThatCouldNotBeHandedOverIsReportedWhenTheLastJobIsDone() {
        Backlog backlog = new Backlog();
        StoredOutbound m = message("01A", 0);
        backlog.addClaimed(m);
        assertThat(backlog.remove(m)).as("not claimed again").isFalse();
        backlog.addClaimed(m);
        backlog.add(m);
        assertThat(backlog.addClaimed(m)).as("released from HELD while its job ran, and claimed").isFalse();
        assertThat(backlog.remove(m)).as("the rerouted job still runs").isFalse();
        assertThat(backlog.remove(m)).as("the claim to give back").isTrue();
        assertThat(backlog.addClaimed(m)).isTrue();
        assertThat(backlog.remove(m)).as("reported once").isFalse();
    }

    @Test
    void aReroutedMessageHoldsItsPlaceUntilBothJobsAreDone() {
        Backlog backlog = new Backlog();
        StoredOutbound m = message("01A", 0);
        backlog.addClaimed(m);
        backlog.add(m);
        backlog.remove(m);
        assertThat(backlog.addClaimed(m)).as("the rerouted job still waits").isFalse();
        backlog.remove(m);
        assertThat(backlog.size()).isZero();
        assertThat(backlog.addClaimed(m)).isTrue();
    }

    @Test
    void roomIsBoundedByCountAndBySize() {
        Backlog byCount = new Backlog(2, Long.MAX_VALUE);
        byCount.addClaimed(message("01A", 0));
        assertThat(byCount.hasRoom()).isTrue();
        byCount.addClaimed(message("01B", 0));
        assertThat(byCount.hasRoom()).isFalse();

        Backlog bySize = new Backlog(1000, 3L << 20);
        StoredOutbound big = message("01C", 2 << 20);
        bySize.addClaimed(big);
        assertThat(bySize.hasRoom()).isTrue();
        bySize.addClaimed(message("01D", 2 << 20));
        assertThat(bySize.hasRoom()).as("two 2 MiB attachments fill 3 MiB").isFalse();
        bySize.remove(big);
        assertThat(bySize.hasRoom()).isTrue();
    }
}
