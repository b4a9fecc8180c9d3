package io.talentats.email.itests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A minimal DNS server for tests, on a loopback UDP port: answers SRV and MX questions from maps (RFC 1035 and
 * 2782 wire format), NXDOMAIN for names it does not know. Enough for the JDK's JNDI DNS provider.
 */
public final class DnsServer implements AutoCloseable {

    public record Srv(int priority, int weight, int port, String target) {}

    private final DatagramSocket socket;
    private final Map<String, List<Srv>> srv = new ConcurrentHashMap<>();
    private final Map<String, List<String>> mx = new ConcurrentHashMap<>();
    private final Thread thread;

    private DnsServer(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serve, "test-dns-" + socket.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    public static DnsServer start() throws IOException {
        return new DnsServer(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    }

    public int port() {
        return socket.getLocalPort();
    }

    public void srv(String name, Srv... records) {
        srv.put(name.toLowerCase(Locale.ROOT), List.of(records));
    }

    public void mx(String domain, String... hosts) {
        mx.put(domain.toLowerCase(Locale.ROOT), List.of(hosts));
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                byte[] answer = answer(buf, p.getLength());
                socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException | RuntimeException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    private byte[] answer(byte[] q, int length) {
        // Question: header (12 bytes), QNAME, QTYPE, QCLASS
        int i = 12;
        StringBuilder name = new StringBuilder();
        while (q[i] != 0) {
            int len = q[i] & 0xff;
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(new String(q, i + 1, len, java.nio.charset.StandardCharsets.US_ASCII));
            i += len + 1;
        }
        int qEnd = i + 5;
        int type = ((q[i + 1] & 0xff) << 8) | (q[i + 2] & 0xff);
        String n = name.toString().toLowerCase(Locale.ROOT);
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        int count = 0;
        boolean known = srv.containsKey(n) || mx.containsKey(n);
        if (type == 33 && srv.containsKey(n)) {
            for (Srv r : srv.get(n)) {
                ByteArrayOutputStream rdata = new ByteArrayOutputStream();
                u16(rdata, r.priority());
                u16(rdata, r.weight());
                u16(rdata, r.port());
                name(rdata, r.target());
                record(answers, 33, rdata.toByteArray());
                count++;
            }
        } else if (type == 15 && mx.containsKey(n)) {
            int pref = 10;
            for (String host : mx.get(n)) {
                ByteArrayOutputStream rdata = new ByteArrayOutputStream();
                u16(rdata, pref);
                pref += 10;
                name(rdata, host);
                record(answers, 15, rdata.toByteArray());
                count++;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(q[0]);
        out.write(q[1]);
        u16(out, known ? 0x8180 : 0x8183); // response, recursion available; NXDOMAIN for unknown names
        u16(out, 1);
        u16(out, count);
        u16(out, 0);
        u16(out, 0);
        out.write(q, 12, qEnd - 12);
        byte[] a = answers.toByteArray();
        out.write(a, 0, a.length);
        return out.toByteArray();
    }

    private static void record(ByteArrayOutputStream out, int type, byte[] rdata) {
        u16(out, 0xC00C); // the name: a pointer to the question's
        u16(out, type);
        u16(out, 1);
        u16(out, 0);
        u16(out, 60); // TTL
        u16(out, rdata.length);
        out.write(rdata, 0, rdata.length);
    }

    private static void name(ByteArrayOutputStream out, String name) {
        if (!name.equals(".")) {
            for (String label : name.split("\\.")) {
                byte[] b = label.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                out.write(b.length);
                out.write(b, 0, b.length);
            }
        }
        out.write(0);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write((v >> 8) & 0xff);
        out.write(v & 0xff);
    }

    @Override
    public void close() {
        socket.close();
    }
}
