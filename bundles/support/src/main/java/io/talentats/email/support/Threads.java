package io.talentats.email.support;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The one way our bundles make threads: daemon threads named {@code prefix-N}, with a chosen context class loader. */
public final class Threads {

    private Threads() {}

    /**
     * A factory of daemon threads named {@code prefix-1}, {@code prefix-2}, …
     *
     * @param contextClassLoader the threads' context class loader, or {@code null} to keep the creating thread's
     */
    public static ThreadFactory daemon(String prefix, ClassLoader contextClassLoader) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            if (contextClassLoader != null) {
                t.setContextClassLoader(contextClassLoader);
            }
            return t;
        };
    }
}
