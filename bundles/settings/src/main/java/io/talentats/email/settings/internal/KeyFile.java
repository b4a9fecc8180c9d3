package io.talentats.email.settings.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import javax.crypto.SecretKey;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key ring on disk: a properties file readable by its owner only, {@code current=ID} and one {@code key.ID=BASE64}
 * line per key. Written atomically (temporary file, then rename).
 */
final class KeyFile {

    private static final Logger LOG = LoggerFactory.getLogger(KeyFile.class);
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path path;

    KeyFile(Path path) {
        this.path = path;
    }

    Path path() {
        return path;
    }

    /**
     * What identifies the file's present content without reading it (file identity, time, size; a rewrite replaces
     * the file, so its identity changes too), or {@code null} if there is no file.
     */
    Object stamp() {
        try {
            java.nio.file.attribute.BasicFileAttributes a =
                    Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class);
            return java.util.Arrays.asList(a.fileKey(), a.lastModifiedTime(), a.size());
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads the ring, creating the file with one new key if it does not exist. */
    Keys loadOrCreate() {
        if (!Files.exists(path)) {
            Keys keys = Keys.generate();
            write(keys);
            LOG.info("Created the key file {} (owner-only) with key {}; back it up: without it, stored passwords "
                    + "cannot be decrypted", path, keys.currentId());
            return keys;
        }
        tightenPermissions();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the key file " + path + ": " + e.getMessage(), e);
        }
        String current = p.getProperty("current");
        if (current == null || current.isBlank()) {
            throw new IllegalStateException("The key file " + path + " names no current key (line current=ID)");
        }
        Map<String, SecretKey> byId = new LinkedHashMap<>();
        for (String name : p.stringPropertyNames()) {
            if (name.startsWith("key.")) {
                String id = name.substring(4);
                if (!Keys.ID.matcher(id).matches()) {
                    throw new IllegalStateException("The key file " + path + " has a key with an invalid id: " + id);
                }
                byId.put(id, Keys.decode(p.getProperty(name), "The key file " + path));
            }
        }
        if (!byId.containsKey(current.trim())) {
            throw new IllegalStateException(
                    "The key file " + path + " names current key '" + current.trim() + "' but holds no key.ID line for it");
        }
        return new Keys(current.trim(), byId);
    }

    void write(Keys keys) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve(path.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (POSIX) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(tmp);
            }
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write("# talentATS email key ring. Owner-only; back it up: without it stored passwords are lost.\n");
                w.write("current=" + keys.currentId() + "\n");
                for (Map.Entry<String, SecretKey> e : keys.byId().entrySet()) {
                    w.write("key." + e.getKey() + "=" + Keys.encode(e.getValue()) + "\n");
                }
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot write the key file " + path + ": " + e.getMessage(), e);
        }
    }

    private void tightenPermissions() {
        if (!POSIX) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path);
            if (!OWNER_ONLY.containsAll(perms)) {
                LOG.warn("The key file {} was readable by others ({}); restricting it to its owner", path,
                        PosixFilePermissions.toString(perms));
                Files.setPosixFilePermissions(path, OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot check the permissions of the key file " + path, e);
        }
    }
}
