package io.talentats.email.discovery.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The configured timeout is the timeout: a DNS server on loopback that answers an MX question late, but within
 * {@code source.timeout.ms}, is heard; one that answers after it is not waited for much longer.
 */
class JndiDnsTest {

    private static final int TIMEOUT_MS = 1500;
    private SlowDns server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void anAnswerWithinTheTimeoutIsHeard() throws Exception {
        server = new SlowDns(TIMEOUT_MS * 7 / 10);
        JndiDns dns = new JndiDns("127.0.0.1:" + server.port(), TIMEOUT_MS);
        long t0 = System.nanoTime();
        assertThat(dns.mx("late.example")).containsExactly("mx.late.example");
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(TIMEOUT_MS * 7 / 10);
    }

    @Test
    void anAnswerAfterTheTimeoutIsNotWaitedFor() throws Exception {
        server = new SlowDns(TIMEOUT_MS * 3);
        JndiDns dns = new JndiDns("127.0.0.1:" + server.port(), TIMEOUT_MS);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> dns.mx("late.example")).isInstanceOf(IOException.class);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(TIMEOUT_MS * 2L);
        assertThat(server.questions.get()).as("one try").isEqualTo(1);
    }

    /** Answers every MX question with {@code mx.<name>}, after {@code delayMs}. */
    private static final class SlowDns implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicInteger questions = new AtomicInteger();
        /** Sends each answer {@code delayMs} after its question came. */
        private final java.util.concurrent.ScheduledExecutorService later =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();

        SlowDns(int delayMs) throws IOException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(() -> {
                byte[] buf = new byte[512];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket q = new DatagramPacket(buf, buf.length);
                        socket.receive(q);
                        questions.incrementAndGet();
                        byte[] answer = answer(Arrays.copyOf(q.getData(), q.getLength()));
                        java.net.SocketAddress to = q.getSocketAddress();
                        later.schedule(() -> {
                            try {
                                socket.send(new DatagramPacket(answer, answer.length, to));
                            } catch (IOException closed) {
                                // the test is over
                            }
                        }, delayMs, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "slow-dns");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        /** RFC 1035: the question echoed, one MX answer pointing at it by compression. */
        static byte[] answer(byte[] query) {
            int end = 12;
            StringBuilder name = new StringBuilder();
            while (query[end] != 0) {
                int len = query[end];
                name.append(name.length() == 0 ? "" : ".").append(new String(query, end + 1, len,
                        StandardCharsets.US_ASCII));
                end += len + 1;
            }
            end += 5; // the root label, QTYPE, QCLASS
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(query[0]);
            out.write(query[1]);
            out.writeBytes(new byte[] {(byte) 0x81, (byte) 0x80, 0, 1, 0, 1, 0, 0, 0, 0});
            out.write(query, 12, end - 12);
            ByteArrayOutputStream rdata = new ByteArrayOutputStream();
            rdata.writeBytes(new byte[] {0, 10});
            for (String label : ("mx." + name).split("\\.")) {
                rdata.write(label.length());
                rdata.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
            }
            rdata.write(0);
            out.writeBytes(new byte[] {(byte) 0xC0, 12, 0, 15, 0, 1, 0, 0, 0x0E, 0x10, 0, (byte) rdata.size()});
            out.writeBytes(rdata.toByteArray());
            return out.toByteArray();
        }

        @Override
        public void close() {
            later.shutdownNow();
            socket.close();
        }
    }
}
