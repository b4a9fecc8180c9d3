package io.talentats.email.replies.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.osgi.framework.BundleContext;

/** This node's name in the watch leases: the host name and a random suffix, kept across restarts. */
final class NodeName {

    private NodeName() {}

    static String of(BundleContext bundle, String file) {
        Path path = bundle.getDataFile(file).toPath();
        try {
            if (Files.exists(path)) {
                return Files.readString(path, StandardCharsets.UTF_8).trim();
            }
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "node";
            }
            String name = (host.length() > 80 ? host.substring(0, 80) : host) + "-"
                    + UUID.randomUUID().toString().substring(0, 8);
            Files.writeString(path, name, StandardCharsets.UTF_8);
            return name;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot keep this node's name in " + path, e);
        }
    }
}
