package io.talentats.email.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeNameTest {

    @TempDir
    Path dir;

    @Test
    void theNameMadeOnceIsReadAgainLater() throws Exception {
        Path file = dir.resolve("data").resolve(NodeName.FILE);
        String first = NodeName.kept(file);
        assertThat(first).matches(".+-[0-9a-f]{8}");
        assertThat(NodeName.kept(file)).isEqualTo(first);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(first);
        try (var left = Files.list(file.getParent())) {
            assertThat(left).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void bundlesAskingAtOnceTheFirstTimeAllGetOneName() throws Exception {
        for (int round = 0; round < 50; round++) {
            Path file = dir.resolve("round-" + round).resolve(NodeName.FILE);
            int askers = 6;
            CyclicBarrier together = new CyclicBarrier(askers);
            ExecutorService pool = Executors.newFixedThreadPool(askers);
            try {
                List<Future<String>> names = new ArrayList<>();
                for (int i = 0; i < askers; i++) {
                    Callable<String> ask = () -> {
                        together.await();
                        return NodeName.kept(file);
                    };
                    names.add(pool.submit(ask));
                }
                Set<String> distinct = names.stream().map(f -> {
                    try {
                        return f.get();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }).collect(Collectors.toSet());
                assertThat(distinct).as("round %d", round).hasSize(1);
                assertThat(distinct.iterator().next()).isNotBlank();
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
