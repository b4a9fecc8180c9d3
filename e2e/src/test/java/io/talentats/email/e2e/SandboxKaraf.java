package io.talentats.email.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The distribution the README's run command starts, started here as its own process from a fresh copy of the
 * built assembly, on free ports: HTTP, SSH, JMX and the sandbox mail server's SMTP and IMAP.
 */
final class SandboxKaraf implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final Path home;
    final int httpPort;
    final int smtpPort;
    final int imapPort;
    final int sshPort;
    private volatile Process process;

    private SandboxKaraf(Path home, int httpPort, int smtpPort, int imapPort, int sshPort, Process process) {
        this.home = home;
        this.httpPort = httpPort;
        this.smtpPort = smtpPort;
        this.imapPort = imapPort;
        this.sshPort = sshPort;
        this.process = process;
    }

    /** Copies the assembly, sets free ports, starts Karaf and waits until the API and the sandbox answer. */
    static SandboxKaraf start(String name) throws IOException {
        return start(name, Map.of());
    }

    /**
     * As {@link #start(String)}, with these settings written to the instance's etc/ files first (PID → key →
     * value; a name ending in {@code .properties} is that file, such as {@code system.properties}), as an operator
     * prepares a node before its first start.
     */
    static SandboxKaraf start(String name, Map<String, Map<String, String>> etcSettings) throws IOException {
        Path assembly = Paths.get(System.getProperty("e2e.assembly", "../distribution/target/assembly"));
        if (!Files.isExecutable(assembly.resolve("bin/karaf"))) {
            throw new IllegalStateException("No distribution at " + assembly.toAbsolutePath()
                    + ": build it first (mvn install builds the distribution module before this one)");
        }
        Path home = Paths.get(System.getProperty("e2e.work", "target/karaf")).resolve(name);
        deleteTree(home);
        copyTree(assembly, home);
        deleteTree(home.resolve("data"));

        int http = freePort();
        int smtp = freePort();
        int imap = freePort();
        int ssh = freePort();
        Path etc = home.resolve("etc");
        set(etc.resolve("org.ops4j.pax.web.cfg"), "org.osgi.service.http.port", Integer.toString(http));
        set(etc.resolve("org.apache.karaf.shell.cfg"), "sshPort", Integer.toString(ssh));
        set(etc.resolve("org.apache.karaf.management.cfg"), "rmiRegistryPort", Integer.toString(freePort()));
        set(etc.resolve("org.apache.karaf.management.cfg"), "rmiServerPort", Integer.toString(freePort()));
        set(etc.resolve("io.talentats.email.sandbox.cfg"), "smtp.port", Integer.toString(smtp));
        set(etc.resolve("io.talentats.email.sandbox.cfg"), "imap.port", Integer.toString(imap));
        set(etc.resolve("io.talentats.email.platform.cfg"), "port", Integer.toString(smtp));
        for (Map.Entry<String, Map<String, String>> pid : etcSettings.entrySet()) {
            for (Map.Entry<String, String> kv : pid.getValue().entrySet()) {
                String file = pid.getKey().endsWith(".properties") ? pid.getKey() : pid.getKey() + ".cfg";
                set(etc.resolve(file), kv.getKey(), kv.getValue());
            }
        }

        SandboxKaraf karaf = new SandboxKaraf(home, http, smtp, imap, ssh, launch(home));
        try {
            karaf.awaitUp();
        } catch (RuntimeException | Error e) {
            karaf.close();
            throw e;
        }
        return karaf;
    }

    private static Process launch(Path home) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/karaf").toString(), "server")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("console.log").toFile()));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("KARAF_DEBUG");
        // The client compiler only: a test distribution starts and stops more than it runs hot, on shared cores
        pb.environment().put("EXTRA_JAVA_OPTS", "-XX:TieredStopAtLevel=1");
        return pb.start();
    }

    private void awaitUp() {
        await(Duration.ofMinutes(3), "the REST API and the sandbox mail server to answer",
                () -> statusCode("GET", "/api/status") == 200 && listening(smtpPort) && listening(imapPort));
    }

    /**
     * Stops Karaf (with {@code bin/stop}, or as {@code kill -9} does when {@code kill}) and starts it again on the
     * same folder, data included; returns once it answers.
     */
    void restart(boolean kill) throws Exception {
        if (kill) {
            kill();
        } else {
            stop();
        }
        startAgain();
    }

    /** kill -9 of the Karaf JVM, as an operator's (or the kernel's) would: nothing of it runs afterwards. */
    void kill() throws Exception {
        // bin/karaf runs the JVM as its child: kill -9 the JVM itself.
        List<ProcessHandle> jvm = process.descendants().toList();
        jvm.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : jvm) {
            h.onExit().get(30, TimeUnit.SECONDS);
        }
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts Karaf again on the same folder, data included; returns once it answers. */
    void startAgain() throws IOException {
        process = launch(home);
        awaitUp();
    }

    /** The process ids of the Karaf JVM (the child of bin/karaf) and of bin/karaf itself. */
    java.util.Set<Long> pids() {
        java.util.Set<Long> out = new java.util.HashSet<>();
        out.add(process.pid());
        process.descendants().forEach(h -> out.add(h.pid()));
        return out;
    }

    String base() {
        return "http://127.0.0.1:" + httpPort + "/talentats-email";
    }

    int statusCode(String method, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base() + path)).method(method,
                    HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** What a script piped into {@code bin/client -b} got: the client's exit code and everything it printed. */
    record Script(int exit, String output) {}

    /** Runs {@code lines} as a script through {@code bin/client -b}, as an operator's automation does. */
    Script script(String lines) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/client").toString(), "-a", Integer.toString(sshPort),
                "-u", "karaf", "-p", "karaf", "-b").directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process client = pb.start();
        try (var in = client.getOutputStream()) {
            in.write(lines.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!client.waitFor(60, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new AssertionError("bin/client did not finish within 60 s: " + out);
        }
        return new Script(client.exitValue(), out);
    }

    /** Sets a key in one of the instance's etc/ files; Karaf applies the change while running. */
    void configure(String pid, Map<String, String> values) throws IOException {
        for (Map.Entry<String, String> e : values.entrySet()) {
            set(home.resolve("etc").resolve(pid + ".cfg"), e.getKey(), e.getValue());
        }
    }

    void await(Duration timeout, String what, BooleanSupplier condition) {
        Instant started = Instant.now();
        Instant deadline = started.plus(timeout);
        try {
            waitFor(deadline, timeout, what, condition);
        } finally {
            // Where a scenario's time goes, in the test output: the figures docs/testing.md is written from.
            System.out.printf("[%s] %s: %d ms%n", home.getFileName(), what, Duration.between(started, Instant.now()).toMillis());
        }
    }

    private void waitFor(Instant deadline, Duration timeout, String what, BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError("Karaf exited while waiting for " + what + "\n" + tail());
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + what + "\n" + tail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for " + what, e);
            }
        }
    }

    /** The end of Karaf's log, for failure messages. */
    String tail() {
        try {
            Path log = home.resolve("data/log/karaf.log");
            if (!Files.exists(log)) {
                return Files.readString(home.resolve("console.log"));
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    String log() throws IOException {
        return Files.readString(home.resolve("data/log/karaf.log"));
    }

    @Override
    public void close() {
        stop();
    }

    private void stop() {
        try {
            Process stop = new ProcessBuilder(home.resolve("bin/stop").toString()).directory(home.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            stop.waitFor(30, TimeUnit.SECONDS);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Ports of distributions are taken from here: below Linux's ephemeral range (32768-60999). */
    private static final int FIRST_PORT = 20000;
    private static final int LAST_PORT = 32000;

    /**
     * A port that is free now and stays this distribution's across restarts. A port the kernel hands out for
     * {@code bind(0)} or an outgoing connection may be taken by another process while a distribution is down (kill
     * -9 and start again: another test class's GreenMail once answered on the sandbox's IMAP port), so these come
     * from below the ephemeral range; the classes running at once claim them in one file, under a lock.
     */
    static int freePort() {
        Path claims = Paths.get(System.getProperty("e2e.work", "target/karaf")).resolve("ports.claimed");
        try {
            Files.createDirectories(claims.getParent());
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(claims,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.READ,
                    java.nio.file.StandardOpenOption.WRITE); java.nio.channels.FileLock lock = ch.lock()) {
                java.util.Set<String> taken = new java.util.HashSet<>(Files.readAllLines(claims));
                java.util.Random random = new java.util.Random();
                for (int tries = 0; tries < 1000; tries++) {
                    int port = FIRST_PORT + random.nextInt(LAST_PORT - FIRST_PORT);
                    if (taken.contains(Integer.toString(port))) {
                        continue;
                    }
                    try (ServerSocket s = new ServerSocket(port)) {
                        Files.writeString(claims, port + "\n", java.nio.file.StandardOpenOption.APPEND);
                        return port;
                    } catch (IOException inUse) {
                        // another process has it: try another
                    }
                }
                throw new IllegalStateException("No free port between " + FIRST_PORT + " and " + LAST_PORT);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void set(Path file, String key, String value) throws IOException {
        List<String> lines = Files.exists(file) ? Files.readAllLines(file) : new java.util.ArrayList<>();
        String line = key + " = " + value;
        boolean found = false;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).matches("\\s*" + java.util.regex.Pattern.quote(key) + "\\s*[=:].*")) {
                lines.set(i, line);
                found = true;
            }
        }
        if (!found) {
            lines.add(line);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName().toString().equals("data") && dir.getParent().equals(from)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
