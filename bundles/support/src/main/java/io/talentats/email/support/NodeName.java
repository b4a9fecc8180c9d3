package io.talentats.email.support;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;

/**
 * This Karaf node's one name, used by the outbox's claims and the collector's watch leases alike, so an operator reads
 * the same name in {@code email:status}, {@code GET /status} and the tables.
 *
 * <p>It is the framework property {@value #PROPERTY} when set (for example in {@code etc/system.properties}), otherwise
 * the host name and a random suffix made once and kept in the framework's own data area, so it survives restarts and
 * bundle updates and every bundle of the node reads the same one. Two bundles asking at once for the first time agree:
 * the name is written to a file of its own and hard-linked into place, which fails if another got there first.
 */
public final class NodeName {

    /** The framework property that names this node. */
    public static final String PROPERTY = "io.talentats.email.node.id";

    static final String FILE = "io.talentats.email.node-id";

    private NodeName() {}

    public static String of(BundleContext context) {
        String configured = context.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        Bundle framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        java.io.File data = framework == null ? null : framework.getDataFile(FILE);
        if (data == null) {
            data = context.getDataFile(FILE);
        }
        if (data == null) {
            throw new IllegalStateException("This framework has no file system for bundles: set the framework property "
                    + PROPERTY + " to name this node");
        }
        return kept(data.toPath());
    }

    /** The name kept at {@code path}, made there first when there is none. */
    static String kept(Path path) {
        try {
            if (Files.exists(path)) {
                return Files.readString(path, StandardCharsets.UTF_8).trim();
            }
            Files.createDirectories(path.toAbsolutePath().getParent());
            Path mine = Files.createTempFile(path.toAbsolutePath().getParent(), FILE, ".new");
            try {
                Files.writeString(mine, fresh(), StandardCharsets.UTF_8);
                Files.createLink(path, mine);
            } catch (FileAlreadyExistsException someoneElse) {
                // another bundle made it a moment ago: theirs is the name
            } catch (UnsupportedOperationException noLinks) {
                if (!Files.exists(path)) {
                    Files.move(mine, path);
                }
            } finally {
                Files.deleteIfExists(mine);
            }
            return Files.readString(path, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot keep this node's name in " + path + " (or set the framework property "
                    + PROPERTY + ")", e);
        }
    }

    private static String fresh() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "node";
        }
        return (host.length() > 80 ? host.substring(0, 80) : host) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
