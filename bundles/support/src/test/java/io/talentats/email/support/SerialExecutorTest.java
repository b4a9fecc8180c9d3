package io.talentats.email.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialExecutorTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void tasksRunOneAtATimeInTheOrderGiven() throws Exception {
        SerialExecutor serial = new SerialExecutor(pool);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlap = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1000);
        for (int i = 0; i < 1000; i++) {
            int n = i;
            serial.execute(() -> {
                if (running.incrementAndGet() > 1) {
                    overlap.incrementAndGet();
                }
                order.add(n);
                running.decrementAndGet();
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(overlap.get()).isZero();
        for (int i = 0; i < 1000; i++) {
            assertThat(order.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheOnesAfterIt() throws Exception {
        SerialExecutor serial = new SerialExecutor(pool);
        CountDownLatch after = new CountDownLatch(1);
        serial.execute(() -> {
            throw new IllegalStateException("boom");
        });
        serial.execute(after::countDown);
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
        // And a later task, after the executor went idle, runs too.
        CountDownLatch later = new CountDownLatch(1);
        awaitIdle(serial);
        serial.execute(later::countDown);
        assertThat(later.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anErrorEscapingATaskLeavesTheExecutorUsable() throws Exception {
        SerialExecutor serial = new SerialExecutor(pool);
        serial.execute(() -> {
            throw new StackOverflowError("deep");
        });
        awaitIdle(serial);
        CountDownLatch next = new CountDownLatch(1);
        serial.execute(next::countDown);
        assertThat(next.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aBusySequenceGivesItsThreadUpAfterItsTurn() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            SerialExecutor busy = new SerialExecutor(one, 10);
            SerialExecutor other = new SerialExecutor(one, 10);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch gate = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(101);
            busy.execute(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < 100; i++) {
                busy.execute(() -> {
                    order.add("busy");
                    done.countDown();
                });
            }
            other.execute(() -> {
                order.add("other");
                done.countDown();
            });
            gate.countDown();
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(order.indexOf("other")).as("the other sequence ran after one turn of the busy one")
                    .isBetween(5, 20);
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void aPoolThatRefusesIsReportedAndTheExecutorCanBeUsedAgain() throws Exception {
        ExecutorService dead = Executors.newSingleThreadExecutor();
        dead.shutdown();
        SerialExecutor serial = new SerialExecutor(dead);
        try {
            serial.execute(() -> { });
            throw new AssertionError("a shut-down pool accepted the drain");
        } catch (RejectedExecutionException expected) {
            assertThat(serial.busy()).isFalse();
            assertThat(serial.queued()).isZero();
        }
    }

    private static void awaitIdle(SerialExecutor serial) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (serial.busy() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        assertThat(serial.busy()).isFalse();
    }
}
