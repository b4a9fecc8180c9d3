package io.talentats.email.itests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between our client and a test mail server, for what real servers and networks do and
 * GreenMail does not: it counts connections, and can close them ({@link #closeAll}), reset them ({@link #resetAll})
 * or stop forwarding without closing them ({@link #blackHole}), as a dead peer behind a NAT does.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final List<Pipe> pipes = new CopyOnWriteArrayList<>();
    private volatile boolean blackHole;
    private volatile boolean closed;

    private record Pipe(Socket client, Socket upstream) {
        void close() {
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(this::accept, "test-proxy-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return (int) pipes.stream().filter(p -> !p.client().isClosed()).count();
    }

    /** The most connections open at once since the proxy started or {@link #resetPeak()}. */
    public int peakOpen() {
        return peak.get();
    }

    /** Starts counting {@link #peakOpen()} from the connections open now. */
    public void resetPeak() {
        peak.set(open());
    }

    /** Closes every open connection (FIN), as a server ending its sessions does. */
    public void closeAll() {
        pipes.forEach(Pipe::close);
        pipes.clear();
    }

    /** Resets every open connection (RST). */
    public void resetAll() {
        for (Pipe p : pipes) {
            try {
                p.client().setSoLinger(true, 0);
            } catch (IOException ignored) {
                // closing anyway
            }
            p.close();
        }
        pipes.clear();
    }

    /** While on, nothing is forwarded either way and nothing is closed: the peer seems to have vanished. */
    public void blackHole(boolean on) {
        blackHole = on;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                Socket upstream = new Socket(targetHost, targetPort);
                Pipe pipe = new Pipe(client, upstream);
                pipes.add(pipe);
                peak.accumulateAndGet(open(), Math::max);
                pump(pipe, client, upstream, "up");
                pump(pipe, upstream, client, "down");
            } catch (IOException e) {
                if (!closed) {
                    // a refused upstream: the client sees its connection closed
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Pipe pipe, Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    while (blackHole && !closed && !from.isClosed()) {
                        Thread.onSpinWait();
                        java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                    }
                    if (blackHole) {
                        break;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the other side went away
            } finally {
                if (!blackHole) {
                    pipe.close();
                    pipes.remove(pipe);
                }
            }
        }, "test-proxy-" + port() + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        closeAll();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
