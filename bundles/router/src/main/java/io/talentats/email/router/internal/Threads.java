package io.talentats.email.router.internal;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads with a name that says what they do and the class loader mail work needs. */
final class Threads {

    private Threads() {}

    static ThreadFactory named(String prefix, ClassLoader contextClassLoader) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(contextClassLoader);
            return t;
        };
    }
}
