package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.talentats.email.mail.internal.AngusMailSessions;
import io.talentats.email.mail.internal.MailConfig;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

class CollectorThreadsTest {

    private final AngusMailSessions sessions = new AngusMailSessions(Converters.standardConverter()
            .convert(Map.of()).to(MailConfig.class));

    @Test
    void threeWorkersMeanEightThreadsAtMost() {
        CollectorThreads t = new CollectorThreads(3, sessions);
        try {
            assertThat(t.max()).isEqualTo(8);
            assertThat(new CollectorThreads(1, sessions).max()).as("one worker still has a helper").isEqualTo(5);
        } finally {
            t.shutdown();
        }
    }

    /**
     * The select loop and both helpers busy: a third helper task asked for by the select loop runs on the loop
     * itself; asked for by anyone else it is refused (only IdleManager's loop asks for helpers).
     */
    @Test
    void aHelperTaskWithNoHelperFreeRunsOnTheSelectLoop() throws Exception {
        CollectorThreads t = new CollectorThreads(3, sessions);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch helpersBusy = new CountDownLatch(2);
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        try {
            t.selector.execute(() -> {
                // the select loop: fills both helpers, then asks for a third
                for (int i = 0; i < 2; i++) {
                    t.selector.execute(() -> {
                        helpersBusy.countDown();
                        await(release);
                    });
                }
                await(helpersBusy);
                t.selector.execute(() -> ranOn.complete(Thread.currentThread().getName()));
                await(release);
            });
            String loop = ranOn.get(10, TimeUnit.SECONDS);
            assertThat(loop).startsWith("talentats-replies-idle");
            assertThat(t.selector.getPoolSize()).isEqualTo(3);
            assertThatThrownBy(() -> t.selector.execute(() -> { }))
                    .isInstanceOf(RejectedExecutionException.class);
        } finally {
            release.countDown();
            t.shutdown();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
