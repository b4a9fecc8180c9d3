package io.talentats.email.mail.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sees the classes and resources of several bundles at once. Jakarta Mail looks up its providers
 * ({@code META-INF/services}) and Activation its mailcap through the thread context class loader; inside OSGi that
 * loader must see both Angus Mail and Angus Activation, which no single bundle does.
 *
 * <p>Jakarta Mail runs that lookup again for every header block it parses ({@code StreamProvider.provider()} is not
 * cached), and each lookup re-reads the files from the bundles' jars. Bundle contents do not change while this loader
 * lives (a new bundle revision means a new loader), so what is under {@code META-INF/} is read once and served from
 * memory.
 */
final class MailClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final List<ClassLoader> delegates;
    private final Map<String, List<URL>> metaInf = new ConcurrentHashMap<>();

    MailClassLoader(ClassLoader... delegates) {
        super(null);
        Set<ClassLoader> unique = new LinkedHashSet<>();
        for (ClassLoader d : delegates) {
            if (d != null) {
                unique.add(d);
            }
        }
        this.delegates = List.copyOf(unique);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        for (ClassLoader d : delegates) {
            try {
                return d.loadClass(name);
            } catch (ClassNotFoundException notThere) {
                // try the next bundle
            }
        }
        throw new ClassNotFoundException(name);
    }

    @Override
    protected URL findResource(String name) {
        for (ClassLoader d : delegates) {
            URL url = d.getResource(name);
            if (url != null) {
                return url;
            }
        }
        return null;
    }

    @Override
    protected Enumeration<URL> findResources(String name) throws IOException {
        if (name.startsWith("META-INF/")) {
            List<URL> cached = metaInf.get(name);
            if (cached == null) {
                cached = inMemory(name, fromDelegates(name));
                metaInf.putIfAbsent(name, cached);
            }
            return Collections.enumeration(cached);
        }
        return Collections.enumeration(fromDelegates(name));
    }

    private List<URL> fromDelegates(String name) throws IOException {
        Set<URL> all = new LinkedHashSet<>();
        for (ClassLoader d : delegates) {
            all.addAll(Collections.list(d.getResources(name)));
        }
        return new ArrayList<>(all);
    }

    /** Copies of the resources' bytes behind URLs that read them from memory. */
    private static List<URL> inMemory(String name, List<URL> urls) throws IOException {
        List<URL> out = new ArrayList<>(urls.size());
        for (URL url : urls) {
            byte[] bytes;
            try (InputStream in = url.openStream()) {
                bytes = in.readAllBytes();
            }
            URLStreamHandler handler = new URLStreamHandler() {
                @Override
                protected URLConnection openConnection(URL u) {
                    return new URLConnection(u) {
                        @Override
                        public void connect() {
                            connected = true;
                        }

                        @Override
                        public InputStream getInputStream() {
                            return new ByteArrayInputStream(bytes);
                        }
                    };
                }
            };
            // The original location stays visible in the URL for anyone who prints it
            out.add(new URL(null, "talentats-mail:" + url, handler));
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "MailClassLoader" + delegates;
    }
}
