package io.talentats.email.settings.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.talentats.email.runtime.SharedAccounts;

import org.osgi.service.cm.Configuration;

/**
 * How an account configuration is written when other nodes may share it: first recorded in {@link SharedAccounts}
 * (which gives it its version), then stored in this node's ConfigAdmin with that version, so that this node's mirror
 * knows it already holds it. Without a store there is nothing to share, and the configuration is only stored. Every
 * writer of account configurations (saving, disconnecting, key rotation, the mirror's first start) goes through here
 * while holding {@link KeyRing#SECRET_WRITES}.
 */
final class SharedWrites {

    /** Properties ConfigAdmin and Karaf's file install add, which belong to one node's configuration. */
    private static final Set<String> LOCAL = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "felix.fileinstall.filename", AccountKeys.SHARED_VERSION);

    private SharedWrites() {}

    /** Shares and stores the account's properties. */
    static void store(Configuration c, String userId, Dictionary<String, Object> props, SharedAccounts shared)
            throws IOException {
        if (shared != null) {
            props.put(AccountKeys.SHARED_VERSION, shared.publish(userId, shareable(props)));
        }
        c.update(props);
    }

    /** Shares the disconnection and deletes the configuration. */
    static void remove(Configuration c, String userId, SharedAccounts shared) throws IOException {
        if (shared != null) {
            shared.publish(userId, null);
        }
        c.delete();
    }

    /** The properties that make the account, without what belongs to this node's copy. */
    static Map<String, Object> shareable(Dictionary<String, Object> props) {
        Map<String, Object> out = new HashMap<>();
        for (Enumeration<String> keys = props.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!LOCAL.contains(key)) {
                out.put(key, props.get(key));
            }
        }
        return out;
    }

    /** The shared version a configuration holds, or -1. */
    static long version(Dictionary<String, Object> props) {
        Object v = props.get(AccountKeys.SHARED_VERSION);
        if (v instanceof Number n) {
            return n.longValue();
        }
        return v == null ? -1 : Long.parseLong(v.toString().trim());
    }
}
