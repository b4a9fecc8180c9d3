package io.talentats.email.itests.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import javax.net.ssl.SSLServerSocketFactory;

/**
 * A tiny line-based server on a free loopback port that answers what a test scripts: a provider's recorded replies,
 * a server that accepts and never greets, a listener whose backlog is full (connects time out).
 */
public final class ScriptedServer implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> held = new ArrayList<>();
    private final Thread acceptor;

    /** Answers a received line with the text to send (CRLF added per line), or {@code null} to close. */
    public interface Script {
        String greeting();

        String reply(String line);
    }

    private ScriptedServer(ServerSocket server, Function<Socket, Runnable> handler, boolean accept) {
        this.server = server;
        this.acceptor = new Thread(() -> {
            while (accept && !server.isClosed()) {
                try {
                    Socket s = server.accept();
                    synchronized (held) {
                        held.add(s);
                    }
                    Thread t = new Thread(handler.apply(s), "scripted-server-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "scripted-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Speaks {@code script} over TLS with {@code tls} (or in plain text when {@code null}). */
    public static ScriptedServer speaking(Script script, SSLServerSocketFactory tls) throws IOException {
        ServerSocket ss = tls == null ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
                : tls.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        return new ScriptedServer(ss, s -> () -> converse(s, script), true);
    }

    /** Accepts connections and never says a word. */
    public static ScriptedServer silent() throws IOException {
        return new ScriptedServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), s -> () -> {}, true);
    }

    /** A listener that never accepts, with its backlog filled: further connects time out. */
    public static ScriptedServer saturated() throws IOException {
        ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ScriptedServer server = new ScriptedServer(ss, s -> () -> {}, false);
        for (int i = 0; i < 2; i++) {
            Socket s = new Socket();
            try {
                s.connect(ss.getLocalSocketAddress(), 500);
            } catch (IOException alreadyFull) {
                // the backlog is full
            }
            server.held.add(s);
        }
        return server;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** How many connections were accepted so far. */
    public int accepted() {
        synchronized (held) {
            return held.size();
        }
    }

    private static void converse(Socket s, Script script) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream raw = s.getOutputStream();
            PrintStream out = new PrintStream(raw, true, StandardCharsets.US_ASCII);
            send(out, script.greeting());
            String line;
            while ((line = in.readLine()) != null) {
                String reply = script.reply(line);
                if (reply == null) {
                    return;
                }
                send(out, reply);
            }
        } catch (IOException gone) {
            // the client hung up
        }
    }

    private static void send(PrintStream out, String text) {
        for (String l : text.split("\n")) {
            out.print(l + "\r\n");
        }
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        synchronized (held) {
            for (Socket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }
}
