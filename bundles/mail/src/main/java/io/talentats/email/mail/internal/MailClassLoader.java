package io.talentats.email.mail.internal;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Sees the classes and resources of several bundles at once. Jakarta Mail looks up its providers
 * ({@code META-INF/services}) and Activation its mailcap through the thread context class loader; inside OSGi that
 * loader must see both Angus Mail and Angus Activation, which no single bundle does.
 */
final class MailClassLoader extends ClassLoader {

    static {
        registerAsParallelCapable();
    }

    private final List<ClassLoader> delegates;

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
        Set<URL> all = new LinkedHashSet<>();
        for (ClassLoader d : delegates) {
            all.addAll(Collections.list(d.getResources(name)));
        }
        return Collections.enumeration(new ArrayList<>(all));
    }

    @Override
    public String toString() {
        return "MailClassLoader" + delegates;
    }
}
