package io.talentats.email.web.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import io.talentats.email.web.internal.WebAccess.Rules;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.context.ServletContextHelper;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet context of the REST API and the page: everything under {@value #PATH}. Establishes who calls
 * ({@link Caller}) and nothing else — what that caller may do is the API's routes' business:
 * <ul>
 * <li>{@code Authorization: Bearer <JWT>} signed by the host ATS: a recruiter, the token's {@code sub};</li>
 * <li>{@code Authorization: Basic} against Karaf's JAAS realm "karaf": an operator with an operator role, or a
 * recruiter (the login name) with the self-service role;</li>
 * <li>a loopback request when the operator opened the sandbox to localhost: an operator.</li>
 * </ul>
 * The page's files (no data in them) and the OAuth callback (the provider's redirect carries no credentials) are
 * open. A state-changing request authenticated by anything the browser adds on its own (Basic, loopback) must come
 * from our own origin: a cross-site one is refused, so a page elsewhere cannot act with the recruiter's login.
 */
@Component(service = ServletContextHelper.class)
@HttpWhiteboardContext(name = EmailWebContext.NAME, path = EmailWebContext.PATH)
public class EmailWebContext extends ServletContextHelper {

    static final String NAME = "talentats-email";
    static final String PATH = "/talentats-email";
    static final String SELECT = "(osgi.http.whiteboard.context.name=" + NAME + ")";
    static final String REALM = "karaf";

    private static final Logger LOG = LoggerFactory.getLogger(EmailWebContext.class);
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final BundleContext bundle;
    private final WebAccess access;

    @Activate
    public EmailWebContext(BundleContext bundle, @Reference WebAccess access) {
        super(bundle.getBundle());
        this.bundle = bundle;
        this.access = access;
    }

    @Override
    public URL getResource(String name) {
        return bundle.getBundle().getResource(name.startsWith("/") ? name.substring(1) : name);
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Rules rules = access.rules();
        String path = path(request);
        String header = request.getHeader("Authorization");
        Caller caller;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            if (rules.tokens() == null) {
                return refuse(response, 401, "This server takes no host tokens (token.secret is not configured); "
                        + "log in with a Karaf user", false);
            }
            try {
                caller = Caller.recruiter(rules.tokens().verify(header.substring(7)), Caller.How.HOST_TOKEN);
            } catch (HostTokens.Refused e) {
                LOG.info("Host token refused for {} {}: {}", request.getMethod(), path, e.getMessage());
                return refuse(response, 401, e.getMessage(), false);
            }
        } else if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            caller = basic(header.substring(6).trim(), rules).orElse(null);
            if (caller == null) {
                return refuse(response, 401, "Log in with a Karaf user that has one of the roles "
                        + String.join(", ", rules.operatorRoles()) + (rules.selfServiceRole().isEmpty() ? ""
                        : " (operators) or " + rules.selfServiceRole() + " (recruiters)"), true);
            }
        } else if (rules.allowLocalhost() && loopback(request.getRemoteAddr())) {
            caller = Caller.operator("loopback", Caller.How.LOOPBACK);
        } else if (open(path, request.getMethod())) {
            return true;
        } else {
            return refuse(response, 401, "Log in with a Karaf user"
                    + (rules.tokens() == null ? "" : ", or send the host application's token as Authorization: "
                    + "Bearer"), true);
        }
        if (caller.how() != Caller.How.HOST_TOKEN && !SAFE_METHODS.contains(request.getMethod())
                && crossSite(request)) {
            LOG.warn("Refused a cross-site {} {} for {} (Origin {})", request.getMethod(), path, caller.describe(),
                    request.getHeader("Origin"));
            return refuse(response, 403, "Cross-site requests may not change anything here", false);
        }
        request.setAttribute(Caller.ATTRIBUTE, caller);
        request.setAttribute(REMOTE_USER, caller.login());
        request.setAttribute(AUTHENTICATION_TYPE, caller.how() == Caller.How.HOST_TOKEN ? "BEARER" : "BASIC");
        return true;
    }

    /** The page's own files, its entry and the OAuth provider's redirect need no login. */
    static boolean open(String path, String method) {
        return "GET".equals(method) && (path.startsWith("/ui/") || path.equals("/") || path.isEmpty()
                || path.equals("/oauth/callback"));
    }

    private static String path(HttpServletRequest request) {
        String uri = request.getRequestURI() == null ? "" : request.getRequestURI();
        String context = request.getContextPath() == null ? "" : request.getContextPath();
        return uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }

    private static Optional<Caller> basic(String encoded, Rules rules) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        Optional<Set<String>> roles = rules.logins().login(user, decoded.substring(colon + 1));
        if (roles.isEmpty()) {
            return Optional.empty();
        }
        if (roles.get().stream().anyMatch(rules.operatorRoles()::contains)) {
            return Optional.of(Caller.operator(user, Caller.How.OPERATOR_LOGIN));
        }
        if (!rules.selfServiceRole().isEmpty() && roles.get().contains(rules.selfServiceRole())) {
            return Optional.of(Caller.recruiter(user, Caller.How.SELF_SERVICE_LOGIN));
        }
        LOG.info("Web login of {} refused: none of the roles {} or {}", user, rules.operatorRoles(),
                rules.selfServiceRole());
        return Optional.empty();
    }

    /**
     * Whether the browser says the request comes from another site: {@code Sec-Fetch-Site} other than same-origin
     * (or none: typed by the user), or an {@code Origin} that is not this server's. Clients that are not browsers
     * send neither.
     */
    static boolean crossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return true;
        }
        String origin = request.getHeader("Origin");
        if (origin == null) {
            return false;
        }
        String host = request.getHeader("Host");
        try {
            return host == null || !sameAuthority(URI.create(origin.trim()), host.trim());
        } catch (IllegalArgumentException e) {
            return true; // "null" (a sandboxed frame, a file) or garbage: not us
        }
    }

    /** Whether the origin names the host and port of the {@code Host} header. */
    static boolean sameAuthority(URI origin, String host) {
        if (origin.getHost() == null) {
            return false;
        }
        int port = origin.getPort() < 0 ? defaultPort(origin.getScheme()) : origin.getPort();
        int colon = host.lastIndexOf(':');
        String name = host;
        int hostPort = defaultPort(origin.getScheme());
        if (colon > host.lastIndexOf(']')) {
            name = host.substring(0, colon);
            try {
                hostPort = Integer.parseInt(host.substring(colon + 1));
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return origin.getHost().equalsIgnoreCase(name) && port == hostPort;
    }

    private static int defaultPort(String scheme) {
        return "https".equalsIgnoreCase(scheme) ? 443 : 80;
    }

    private static boolean refuse(HttpServletResponse response, int status, String message, boolean challenge)
            throws IOException {
        if (challenge) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"talentATS email\", charset=\"UTF-8\"");
        }
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setStatus(status);
        com.google.gson.JsonObject body = new com.google.gson.JsonObject();
        body.addProperty("error", message);
        body.add("fields", new com.google.gson.JsonArray());
        response.getWriter().write(body.toString());
        // Committed, so the container sends this answer rather than its own page
        response.flushBuffer();
        return false;
    }

    private static boolean loopback(String address) {
        try {
            return address != null && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
