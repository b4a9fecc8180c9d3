package io.talentats.email.settings.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.crypto.SecretKey;

import io.talentats.email.api.EmailEvents;
import io.talentats.email.runtime.Announcer;
import io.talentats.email.runtime.KeyRotation;
import io.talentats.email.runtime.SecretCipher;
import io.talentats.email.runtime.SharedAccounts;
import io.talentats.email.runtime.StoredSecrets;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product's encryption keys and what is done with them: encrypting and decrypting secrets, and rotating to a
 * new key. Keys come from an owner-only key file (created on first start) or an environment variable.
 */
// Immediate: the key file is created, or a missing key reported, when the product starts, not at the first save.
@Component(service = {SecretCipher.class, KeyRotation.class}, configurationPid = ProductConfig.PID, immediate = true)
public class KeyRing implements SecretCipher, KeyRotation {

    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);

    /**
     * Held while a secret is encrypted and stored, and during a rotation, so that a rotation never retires a key a
     * concurrent save has just used.
     */
    static final Object SECRET_WRITES = new Object();

    private final ConfigurationAdmin configAdmin;
    private final BundleContext context;
    private final java.util.function.Function<String, String> environment;
    private volatile Source source;

    /**
     * Where the keys come from and what they are, and the stamp of the key file they were read from; replaced whole
     * when the key settings change, the key file is rewritten by another node, or the keys are rotated here.
     */
    private record Source(KeyFile keyFile, String envVariable, Keys keys, String settings, Object stamp) {

        Source with(Keys next) {
            return new Source(keyFile, envVariable, next, settings, keyFile == null ? null : keyFile.stamp());
        }
    }

    private final Announcer announcer;

    /** Secrets kept outside ConfigAdmin (OAuth tokens in the store): re-encrypted by a rotation too. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private final List<StoredSecrets> storedSecrets = new CopyOnWriteArrayList<>();

    /** The accounts the nodes share: a rotation re-encrypts them for every node. Absent without the store. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile SharedAccounts shared;

    @Activate
    public KeyRing(ProductConfig config, @Reference ConfigurationAdmin configAdmin, BundleContext context,
            @Reference Announcer announcer) {
        this(config, configAdmin, context, System::getenv, announcer);
    }

    KeyRing(ProductConfig config, ConfigurationAdmin configAdmin, BundleContext context,
            java.util.function.Function<String, String> environment, Announcer announcer) {
        this.announcer = announcer;
        this.configAdmin = configAdmin;
        this.context = context;
        this.environment = environment;
        this.source = load(config);
    }

    /**
     * The product configuration changed. Only a change of the key settings reloads the keys; anything else (the
     * connectivity switch, timeouts) leaves this component, and everything that depends on it, alone.
     */
    @Modified
    void modified(ProductConfig config) {
        if (!settingsOf(config).equals(source.settings())) {
            source = load(config);
        }
    }

    private Source load(ProductConfig config) {
        String settings = settingsOf(config);
        switch (config.key_source()) {
            case "env" -> {
                Keys keys = EnvKeys.parse(config.key_env(), environment.apply(config.key_env()));
                LOG.info("Encryption keys from environment variable {}: current key {}", config.key_env(),
                        keys.currentId());
                return new Source(null, config.key_env(), keys, settings, null);
            }
            case "file" -> {
                KeyFile file = new KeyFile(keyFilePath(config, context));
                Object stamp = file.stamp();
                Keys keys = file.loadOrCreate();
                LOG.info("Encryption keys from {}: current key {}", file.path(), keys.currentId());
                return new Source(file, null, keys, settings, stamp == null ? file.stamp() : stamp);
            }
            default -> throw new IllegalStateException("key.source must be 'file' or 'env', was '"
                    + config.key_source() + "' in configuration " + ProductConfig.PID);
        }
    }

    private static String settingsOf(ProductConfig config) {
        return config.key_source() + "|" + config.key_file() + "|" + config.key_env();
    }

    static Path keyFilePath(ProductConfig config, BundleContext context) {
        if (!config.key_file().isBlank()) {
            return Paths.get(config.key_file());
        }
        String etc = context == null ? null : context.getProperty("karaf.etc");
        if (etc != null) {
            return Paths.get(etc, "talentats-email.keys");
        }
        return context.getDataFile("talentats-email.keys").toPath();
    }

    @Override
    public String encrypt(String plainText, String context) {
        Keys k = followFile().keys();
        return AesGcm.encrypt(k.currentId(), k.current(), plainText, context);
    }

    @Override
    public String decrypt(String cipherText, String context) {
        String id = AesGcm.keyIdOf(cipherText);
        SecretKey key = source.keys().byId().get(id);
        if (key == null) {
            key = followFile().keys().byId().get(id); // a key another node has just rotated to
        }
        if (key == null) {
            throw new IllegalStateException("the secret for " + context + " was encrypted with key '" + id
                    + "', which is not in the key ring (" + source() + "). Restore the key or enter the password again.");
        }
        return AesGcm.decrypt(cipherText, key, context);
    }

    @Override
    public boolean isCipherText(Object value) {
        return AesGcm.isCipherText(value);
    }

    @Override
    public boolean encryptInConfiguration(String pid, String key) {
        synchronized (SECRET_WRITES) {
            try {
                Configuration c = configAdmin.getConfiguration(pid, "?");
                Dictionary<String, Object> p = c.getProperties();
                Object value = p == null ? null : p.get(key);
                if (value == null || value.toString().isBlank() || isCipherText(value)) {
                    return false;
                }
                p.put(key, encrypt(value.toString(), SecretCipher.context(pid, key)));
                c.update(p);
                LOG.warn("The secret {} in {} was plain text; it is now stored encrypted", key, pid);
                return true;
            } catch (IOException e) {
                LOG.error("Cannot store the secret {} of {} encrypted: {}", key, pid, e.toString());
                return false;
            }
        }
    }

    /**
     * Takes up a key file that another node sharing it has rewritten (a rotation there): the file's current key
     * becomes ours, the keys this node had stay readable, and this node's own secrets (the ones no other node holds a
     * copy of) are re-encrypted under the new key at once. Shared accounts and tokens are the rotating node's work.
     * A stat of the key file when nothing changed.
     */
    @Override
    public void follow() {
        followFile();
    }

    private Source followFile() {
        Source src = source;
        if (src.keyFile() == null) {
            return src;
        }
        Object stamp = src.keyFile().stamp();
        if (stamp == null || stamp.equals(src.stamp())) {
            return src;
        }
        synchronized (SECRET_WRITES) {
            src = source;
            if (stamp.equals(src.stamp())) {
                return src;
            }
            Keys file = src.keyFile().loadOrCreate();
            Source next = new Source(src.keyFile(), null, src.keys().followedBy(file), src.settings(), stamp);
            source = next;
            if (!file.currentId().equals(src.keys().currentId())) {
                int count = reencryptConfigurations(next.keys().currentId(), new HashSet<>(), shared != null);
                LOG.info("The key file {} was rotated elsewhere: encrypting with key {} now, {} secrets of this node "
                        + "re-encrypted", src.keyFile().path(), file.currentId(), count);
            }
            return next;
        }
    }

    /**
     * Re-encrypts every secret under a new key and retires the old keys nothing needs any more. The key that was
     * current until now is kept until the next rotation: a node sharing the key file that has not read the new file
     * yet may still encrypt with it for a moment, and what it wrote must stay readable everywhere.
     */
    @Override
    public int rotate() {
        synchronized (SECRET_WRITES) {
            Source src = followFile();
            KeyFile keyFile = src.keyFile();
            Keys after = keyFile == null ? src.keys() : src.keys().withNewCurrent();
            if (keyFile != null) {
                keyFile.write(after); // on disk before any secret depends on it
            }
            source = src.with(after);
            Set<String> stillNeeded = new HashSet<>();
            stillNeeded.add(src.keys().currentId());
            int count = reencryptConfigurations(after.currentId(), stillNeeded, false);
            for (StoredSecrets holder : storedSecrets) {
                count += holder.reencrypt(this, after.currentId(), stillNeeded);
            }
            if (keyFile != null) {
                Keys pruned = after.retain(stillNeeded);
                keyFile.write(pruned);
                source = src.with(pruned);
                LOG.info("Rotated to key {}: {} secrets re-encrypted, {} old keys retired (key {} kept until the "
                        + "next rotation)", after.currentId(), count, after.byId().size() - pruned.byId().size(),
                        src.keys().currentId());
            } else {
                LOG.info("Re-encrypted {} secrets under key {} from {}", count, after.currentId(), src.envVariable());
            }
            announcer.post(EmailEvents.KEY_ROTATED, Map.of(EmailEvents.COUNT, count));
            return count;
        }
    }

    /**
     * Re-encrypts the configuration secrets not under {@code currentId}; account configurations are shared with the
     * other nodes as they are stored, or left alone with {@code skipAccounts}.
     *
     * @param stillNeeded gets the keys of secrets that could not be re-encrypted
     */
    private int reencryptConfigurations(String currentId, Set<String> stillNeeded, boolean skipAccounts) {
        int count = 0;
        SharedAccounts sharing = shared;
        for (Configuration c : configurations()) {
            Dictionary<String, Object> props = c.getProperties();
            if (props == null) {
                continue;
            }
            boolean account = AccountKeys.FACTORY_PID.equals(c.getFactoryPid());
            if (account && skipAccounts) {
                continue;
            }
            boolean changed = false;
            for (Enumeration<String> e = props.keys(); e.hasMoreElements();) {
                String key = e.nextElement();
                Object value = props.get(key);
                if (!isCipherText(value)) {
                    continue;
                }
                String context = SecretCipher.context(c.getPid(), key);
                String old = (String) value;
                if (AesGcm.keyIdOf(old).equals(currentId)) {
                    continue;
                }
                try {
                    props.put(key, encrypt(decrypt(old, context), context));
                    changed = true;
                    count++;
                } catch (IllegalStateException unreadable) {
                    stillNeeded.add(AesGcm.keyIdOf(old));
                    LOG.warn("Key rotation: the secret {} cannot be re-encrypted and keeps its key: {}", context,
                            unreadable.getMessage());
                }
            }
            if (changed) {
                try {
                    if (account) {
                        SharedWrites.store(c, AccountKeys.str(props, AccountKeys.USER_ID), props, sharing);
                    } else {
                        c.update(props);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("Key rotation: cannot store configuration " + c.getPid(), e);
                }
            }
        }
        return count;
    }

    /** The id of the key new secrets are encrypted with. */
    String currentKeyId() {
        return source.keys().currentId();
    }

    private Configuration[] configurations() {
        try {
            Configuration[] all = configAdmin.listConfigurations(null);
            return all == null ? new Configuration[0] : all;
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("Key rotation: cannot list configurations", e);
        }
    }

    private String source() {
        Source src = source;
        return src.keyFile() != null ? "key file " + src.keyFile().path() : "environment variable " + src.envVariable();
    }
}
