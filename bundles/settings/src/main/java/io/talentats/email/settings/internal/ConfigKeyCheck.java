package io.talentats.email.settings.internal;

import java.io.IOException;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.talentats.email.support.Threads;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an upgrade from silently changing behaviour. Keys that moved to another PID are carried over once (a
 * {@code trusted.certificates} left in {@code etc/io.talentats.email.cfg} by an earlier version still trusts that
 * server), and a key that the configuration's definition does not know (a typo, a key from a newer or older
 * version) is logged as a warning naming the PID and the keys it does know, since ConfigAdmin would otherwise ignore
 * it without a word.
 * Checks every configuration of ours at start and each one again when it changes.
 */
@Component(service = ConfigurationListener.class, immediate = true)
public class ConfigKeyCheck implements ConfigurationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigKeyCheck.class);

    /** Our PIDs all start so; so does the account factory PID, whose keys only the settings service writes. */
    static final String PREFIX = "io.talentats.email";
    static final String MAIL_PID = "io.talentats.email.mail";
    /** Keys that moved: where they were (PID, key) → the PID that reads them now (same key). */
    static final Map<String, Map<String, String>> MOVED = Map.of(
            ProductConfig.PID, Map.of(
                    "trusted.certificates", MAIL_PID,
                    "connect.timeout.ms", MAIL_PID,
                    "read.timeout.ms", MAIL_PID));
    /** Keys that ConfigAdmin, fileinstall, Karaf's features or we ourselves add to any configuration. */
    private static final Set<String> FRAMEWORK_PREFIXES = Set.of("service.", "felix.fileinstall.", "component.",
            "org.apache.karaf.features.", ":org.apache.felix.", "osgi.ds.");

    private final ConfigurationAdmin configAdmin;
    private final MetaTypeService metaType;
    private final BundleContext context;
    /**
     * ConfigAdmin calls do not belong on its own event thread or on SCR's activation thread; the thread exists only
     * while there is something to check.
     */
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 2, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), Threads.daemon("talentats-email-config-check", null));
    /** What was last said per PID, so a configuration saved again unchanged is not warned about twice. */
    private final Map<String, String> said = Collections.synchronizedMap(new HashMap<>());

    @Activate
    public ConfigKeyCheck(BundleContext context, @Reference ConfigurationAdmin configAdmin,
            @Reference MetaTypeService metaType) {
        this.context = context;
        this.configAdmin = configAdmin;
        this.metaType = metaType;
        worker.allowCoreThreadTimeOut(true);
        worker.execute(() -> checkAll(null));
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdownNow();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED && event.getPid().startsWith(PREFIX)) {
            try {
                worker.execute(() -> checkAll(event.getPid()));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // deactivated meanwhile
            }
        }
    }

    /** Checks one PID, or every configuration of ours when {@code only} is {@code null}. */
    private void checkAll(String only) {
        try {
            Configuration[] all = configAdmin.listConfigurations("(service.pid=" + PREFIX + "*)");
            if (all == null) {
                return;
            }
            Map<String, Set<String>> known = knownKeys();
            for (Configuration c : all) {
                if (only == null || only.equals(c.getPid())) {
                    check(c, known);
                }
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.warn("Could not check the keys of our configurations: {}", e.toString());
        }
    }

    private void check(Configuration c, Map<String, Set<String>> known) throws IOException {
        Dictionary<String, Object> props = c.getProperties();
        if (props == null) {
            return;
        }
        String pid = c.getFactoryPid() != null ? c.getFactoryPid() : c.getPid();
        Map<String, Object> values = map(props);
        Map<String, String> moved = MOVED.getOrDefault(pid, Map.of());
        if (!moved.isEmpty()) {
            carryOver(c.getPid(), values, moved);
        }
        Set<String> keys = known.get(pid);
        if (keys == null) {
            // No definition to check against: the account factory PID (written by us only), or the bundle that
            // reads it is not resolved yet (it is checked again when its configuration changes)
            return;
        }
        Set<String> unknown = unknownKeys(values, keys, moved.keySet());
        if (unknown.isEmpty()) {
            said.remove(c.getPid());
        } else {
            say(c.getPid(), "Configuration " + c.getPid() + " has keys no component reads, which are ignored: "
                    + String.join(", ", unknown) + ". Known keys: " + String.join(", ", new TreeSet<>(keys)));
        }
    }

    /** Copies moved keys to where they are read now, unless that configuration says otherwise already. */
    private void carryOver(String pid, Map<String, Object> values, Map<String, String> moved) throws IOException {
        Map<String, Map<String, Object>> byTarget = new LinkedHashMap<>();
        moved.forEach((key, target) -> {
            if (values.get(key) != null && !String.valueOf(values.get(key)).isBlank()) {
                byTarget.computeIfAbsent(target, t -> new LinkedHashMap<>()).put(key, values.get(key));
            }
        });
        for (Map.Entry<String, Map<String, Object>> e : byTarget.entrySet()) {
            Configuration target = configAdmin.getConfiguration(e.getKey(), "?");
            Dictionary<String, Object> now = target.getProperties();
            Map<String, Object> toCopy = movedValues(e.getValue(), now == null ? Map.of() : map(now));
            for (String key : e.getValue().keySet()) {
                if (toCopy.containsKey(key)) {
                    LOG.warn("Configuration {}: key {} is read from {} since this version; carried over there. Remove "
                            + "it from {} (etc/{}.cfg)", pid, key, e.getKey(), pid, pid);
                } else if (!String.valueOf(now.get(key)).equals(String.valueOf(e.getValue().get(key)))) {
                    LOG.warn("Configuration {}: key {} is ignored there; {} sets it to {}. Remove it from {} (etc/{}.cfg)",
                            pid, key, e.getKey(), now.get(key), pid, pid);
                }
            }
            if (!toCopy.isEmpty()) {
                Dictionary<String, Object> updated = now == null ? new Hashtable<>() : now;
                toCopy.forEach(updated::put);
                target.update(updated);
            }
        }
    }

    /** The moved keys the target configuration does not set yet. */
    static Map<String, Object> movedValues(Map<String, Object> moved, Map<String, Object> target) {
        Map<String, Object> out = new LinkedHashMap<>();
        moved.forEach((k, v) -> {
            Object there = target.get(k);
            if (there == null || String.valueOf(there).isBlank()) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** Keys neither defined, nor added by the framework, nor moved (those are told about separately). */
    static Set<String> unknownKeys(Map<String, Object> values, Set<String> defined, Set<String> moved) {
        Set<String> out = new TreeSet<>();
        for (String k : values.keySet()) {
            if (!defined.contains(k) && !moved.contains(k)
                    && FRAMEWORK_PREFIXES.stream().noneMatch(k::startsWith)) {
                out.add(k);
            }
        }
        return out;
    }

    /** The attribute ids of every configuration our bundles define, by PID or factory PID. */
    private Map<String, Set<String>> knownKeys() {
        Map<String, Set<String>> out = new HashMap<>();
        for (Bundle b : context.getBundles()) {
            String name = b.getSymbolicName();
            if (name == null || !name.startsWith(PREFIX)) {
                continue;
            }
            MetaTypeInformation info = metaType.getMetaTypeInformation(b);
            if (info == null) {
                continue;
            }
            for (String pid : union(info.getPids(), info.getFactoryPids())) {
                ObjectClassDefinition ocd = info.getObjectClassDefinition(pid, null);
                AttributeDefinition[] attrs = ocd == null ? null : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
                Set<String> ids = out.computeIfAbsent(pid, p -> new TreeSet<>());
                if (attrs != null) {
                    for (AttributeDefinition a : attrs) {
                        ids.add(a.getID());
                    }
                }
            }
        }
        return out;
    }

    private void say(String pid, String what) {
        if (!what.equals(said.put(pid, what))) {
            LOG.warn(what);
        }
    }

    private static Set<String> union(String[] a, String[] b) {
        Set<String> s = new TreeSet<>();
        if (a != null) {
            s.addAll(java.util.List.of(a));
        }
        if (b != null) {
            s.addAll(java.util.List.of(b));
        }
        return s;
    }

    private static Map<String, Object> map(Dictionary<String, Object> d) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var e = d.keys(); e.hasMoreElements();) {
            String k = e.nextElement();
            m.put(k, d.get(k));
        }
        return m;
    }
}
