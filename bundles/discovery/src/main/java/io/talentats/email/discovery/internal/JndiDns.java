package io.talentats.email.discovery.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;

import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * DNS through the JDK's JNDI DNS provider: no dependency. In OSGi the provider is found through the context class
 * loader, so it is set to the system's around each lookup.
 */
final class JndiDns implements Dns {

    private final String server;
    private final int timeoutMs;

    /** @param server {@code host:port}, or empty for the system's resolvers */
    JndiDns(String server, int timeoutMs) {
        this.server = server == null ? "" : server.trim();
        this.timeoutMs = timeoutMs;
    }

    @Override
    public List<Srv> srv(String name) throws IOException {
        List<Srv> out = new ArrayList<>();
        for (String v : lookup(name, "SRV")) {
            String[] p = v.trim().split("\\s+");
            if (p.length == 4) {
                try {
                    out.add(new Srv(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                            strip(p[3])));
                } catch (NumberFormatException malformed) {
                    // skip a record we cannot read
                }
            }
        }
        out.sort(Comparator.comparingInt(Srv::priority).thenComparing(Comparator.comparingInt(Srv::weight).reversed()));
        return out;
    }

    @Override
    public List<String> mx(String domain) throws IOException {
        List<String[]> found = new ArrayList<>();
        for (String v : lookup(domain, "MX")) {
            String[] p = v.trim().split("\\s+");
            if (p.length == 2) {
                found.add(p);
            }
        }
        found.sort(Comparator.comparingInt(p -> Integer.parseInt(p[0])));
        List<String> out = new ArrayList<>();
        for (String[] p : found) {
            out.add(strip(p[1]));
        }
        return out;
    }

    private List<String> lookup(String name, String type) throws IOException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
        env.put("java.naming.provider.url", server.isEmpty() ? "dns:" : "dns://" + server);
        // One try that waits the whole configured timeout: the JDK's resolver would otherwise give up at the first
        // try's timeout (it doubles it for each retry), dropping an answer that comes within source.timeout.ms
        env.put("com.sun.jndi.dns.timeout.initial", Integer.toString(Math.max(100, timeoutMs)));
        env.put("com.sun.jndi.dns.timeout.retries", "1");
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(ClassLoader.getSystemClassLoader());
        DirContext ctx = null;
        try {
            ctx = new InitialDirContext(env);
            Attributes attrs = ctx.getAttributes(name, new String[] {type});
            Attribute a = attrs.get(type);
            List<String> out = new ArrayList<>();
            if (a != null) {
                NamingEnumeration<?> e = a.getAll();
                while (e.hasMore()) {
                    out.add(String.valueOf(e.next()));
                }
            }
            return out;
        } catch (NameNotFoundException none) {
            return List.of();
        } catch (NamingException e) {
            throw new IOException("DNS " + type + " lookup of " + name + " failed: " + e.getMessage(), e);
        } finally {
            if (ctx != null) {
                try {
                    ctx.close();
                } catch (NamingException ignored) {
                    // closing
                }
            }
            t.setContextClassLoader(before);
        }
    }

    private static String strip(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") && h.length() > 1 ? h.substring(0, h.length() - 1) : h;
    }
}
