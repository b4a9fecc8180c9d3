package io.talentats.email.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GroupCommitterTest {

    private DataSource ds;

    @BeforeEach
    void table() throws Exception {
        ds = StoreTest.emptyDatabase();
        try (var c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS t");
            st.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)");
        }
    }

    private GroupCommitter.Change<Integer> insert(int id) {
        return c -> {
            try (Statement st = c.createStatement()) {
                return st.executeUpdate("INSERT INTO t (id) VALUES (" + id + ")");
            }
        };
    }

    private long rows() throws SQLException {
        try (var c = ds.getConnection(); Statement st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aFailingChangeFailsAloneAndTheRestOfItsGroupCommits() throws Exception {
        try (GroupCommitter w = new GroupCommitter(ds)) {
            List<CompletableFuture<Integer>> done = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                done.add(w.submit(insert(i)));
            }
            CompletableFuture<Integer> duplicate = w.submit(insert(7));
            for (int i = 50; i < 100; i++) {
                done.add(w.submit(insert(i)));
            }
            for (CompletableFuture<Integer> f : done) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            }
            assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SQLException.class);
            assertThat(rows()).isEqualTo(100);
        }
    }

    @Test
    void applyReturnsTheChangesResultOnceCommitted() throws Exception {
        try (GroupCommitter w = new GroupCommitter(ds)) {
            assertThat(w.apply(insert(1))).isEqualTo(1);
            assertThat(rows()).isEqualTo(1);
            assertThatThrownBy(() -> w.apply(c -> {
                throw new IllegalArgumentException("boom");
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("boom");
            assertThat(w.apply(insert(2))).as("the writer goes on after a failed change").isEqualTo(1);
        }
    }

    @Test
    void closeLetsAcceptedChangesCommitAndRefusesLaterOnes() throws Exception {
        GroupCommitter w = new GroupCommitter(ds);
        CountDownLatch slow = new CountDownLatch(1);
        CompletableFuture<Integer> first = w.submit(c -> {
            try {
                slow.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return insert(1).apply(c);
        });
        CompletableFuture<Integer> queued = w.submit(insert(2));
        Thread closer = new Thread(w::close);
        closer.start();
        slow.countDown();
        closer.join(15_000);
        assertThat(first.get(1, TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(queued.get(1, TimeUnit.SECONDS)).isEqualTo(1);
        CompletableFuture<Integer> late = w.submit(insert(3));
        assertThat(late).isCompletedExceptionally();
        assertThat(w.writing()).isFalse();
        assertThat(rows()).isEqualTo(2);
    }

    @Test
    void submitsRacingCloseAllComplete() throws Exception {
        for (int round = 0; round < 20; round++) {
            table();
            GroupCommitter w = new GroupCommitter(ds);
            List<CompletableFuture<Integer>> all = new ArrayList<>();
            int base = round * 1000;
            Thread submitter = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    synchronized (all) {
                        all.add(w.submit(insert(base + i)));
                    }
                }
            });
            submitter.start();
            w.close();
            submitter.join(10_000);
            long committed = 0;
            synchronized (all) {
                for (CompletableFuture<Integer> f : all) {
                    // Committed, or refused because the store stopped: never left waiting.
                    boolean ok = f.handle((v, e) -> e == null).get(10, TimeUnit.SECONDS);
                    committed += ok ? 1 : 0;
                }
            }
            assertThat(rows()).as("every change reported committed is in the table, no other").isEqualTo(committed);
        }
    }

    @Test
    void theWriterThreadEndsWhenIdleAndComesBackForTheNextChange() throws Exception {
        try (GroupCommitter w = new GroupCommitter(ds, Duration.ofMillis(100))) {
            w.apply(insert(1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (w.writing() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(w.writing()).isFalse();
            assertThat(w.apply(insert(2))).isEqualTo(1);
            assertThat(rows()).isEqualTo(2);
        }
    }
}
