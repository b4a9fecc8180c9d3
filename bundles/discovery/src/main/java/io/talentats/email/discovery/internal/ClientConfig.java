package io.talentats.email.discovery.internal;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Security;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Reads Thunderbird's autoconfig format ({@code clientConfig} 1.1): the first IMAP incoming and SMTP outgoing
 * server, preferring implicit TLS, then STARTTLS. Untrusted input: no DOCTYPE (so no entities, no XXE), nothing
 * fetched, a size limit before parsing, and every value checked (host names, ports, socket types).
 */
final class ClientConfig {

    /** What a file said; {@code username} may hold {@code %EMAILADDRESS%}-style placeholders. */
    record Servers(Endpoint imap, Endpoint smtp, String username, boolean oauth) {}

    private ClientConfig() {}

    static Optional<Servers> parse(String xml) {
        if (xml == null || xml.length() > Http.MAX_BYTES || xml.isBlank()) {
            return Optional.empty();
        }
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            doc = b.parse(new InputSource(new StringReader(xml)));
        } catch (Exception malformedOrHostile) {
            return Optional.empty();
        }
        Element root = doc.getDocumentElement();
        if (root == null || !"clientConfig".equals(root.getTagName())) {
            return Optional.empty();
        }
        Candidate imap = best(root.getElementsByTagName("incomingServer"), "imap");
        Candidate smtp = best(root.getElementsByTagName("outgoingServer"), "smtp");
        if (imap == null || smtp == null) {
            return Optional.empty();
        }
        String username = imap.username != null ? imap.username : smtp.username;
        return Optional.of(new Servers(imap.endpoint, smtp.endpoint, username, imap.oauth || smtp.oauth));
    }

    private record Candidate(Endpoint endpoint, String username, boolean oauth) {}

    private static Candidate best(NodeList servers, String type) {
        List<Candidate> found = new ArrayList<>();
        for (int i = 0; i < servers.getLength(); i++) {
            Element e = (Element) servers.item(i);
            if (!type.equalsIgnoreCase(e.getAttribute("type"))) {
                continue;
            }
            String host = text(e, "hostname");
            String port = text(e, "port");
            String socket = text(e, "socketType");
            if (host == null || port == null || socket == null || !host.matches("[A-Za-z0-9.-]{1,253}")
                    || !host.contains(".") && !host.equalsIgnoreCase("localhost")) {
                continue;
            }
            int p;
            try {
                p = Integer.parseInt(port.trim());
            } catch (NumberFormatException wrongType) {
                continue;
            }
            if (p < 1 || p > 65535) {
                continue;
            }
            Security security = switch (socket.trim().toUpperCase(Locale.ROOT)) {
                case "SSL", "TLS" -> Security.SSL_TLS;
                case "STARTTLS" -> Security.STARTTLS;
                case "PLAIN" -> Security.NONE;
                default -> null;
            };
            if (security == null) {
                continue;
            }
            boolean oauth = false;
            NodeList auths = e.getElementsByTagName("authentication");
            for (int j = 0; j < auths.getLength(); j++) {
                oauth |= "OAuth2".equalsIgnoreCase(auths.item(j).getTextContent().trim());
            }
            found.add(new Candidate(new Endpoint(host.toLowerCase(Locale.ROOT), p, security), text(e, "username"),
                    oauth));
        }
        // Implicit TLS first, then STARTTLS; plain text last (accepted only where the operator allows it)
        return found.stream().min((a, b) -> Integer.compare(a.endpoint().security().ordinal(),
                b.endpoint().security().ordinal())).orElse(null);
    }

    private static String text(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        if (l.getLength() == 0) {
            return null;
        }
        Node n = l.item(0);
        String t = n.getTextContent();
        return t == null || t.isBlank() ? null : t.trim();
    }

    /** {@code %EMAILADDRESS%}, {@code %EMAILLOCALPART%}, {@code %EMAILDOMAIN%} filled in. */
    static String username(String template, String address) {
        if (template == null) {
            return address;
        }
        int at = address.lastIndexOf('@');
        return template.replace("%EMAILADDRESS%", address).replace("%EMAILLOCALPART%", address.substring(0, at))
                .replace("%EMAILDOMAIN%", address.substring(at + 1));
    }
}
