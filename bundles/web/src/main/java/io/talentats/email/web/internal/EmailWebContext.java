package io.talentats.email.web.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Base64;
import java.util.Set;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.http.context.ServletContextHelper;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servlet context of the REST API and the page: everything under {@value #PATH}, behind HTTP Basic
 * authentication against Karaf's JAAS realm "karaf" (a role from the configuration is needed), or open to loopback
 * requests when the operator says so (the sandbox).
 */
@Component(service = ServletContextHelper.class)
@HttpWhiteboardContext(name = EmailWebContext.NAME, path = EmailWebContext.PATH)
public class EmailWebContext extends ServletContextHelper {

    static final String NAME = "talentats-email";
    static final String PATH = "/talentats-email";
    static final String SELECT = "(osgi.http.whiteboard.context.name=" + NAME + ")";
    static final String REALM = "karaf";

    private static final Logger LOG = LoggerFactory.getLogger(EmailWebContext.class);

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
        if (access.allowLocalhost() && loopback(request.getRemoteAddr())) {
            return true;
        }
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                decoded = "";
            }
            int colon = decoded.indexOf(':');
            if (colon > 0 && authorized(decoded.substring(0, colon), decoded.substring(colon + 1), access.roles())) {
                request.setAttribute(REMOTE_USER, decoded.substring(0, colon));
                request.setAttribute(AUTHENTICATION_TYPE, "BASIC");
                return true;
            }
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"talentATS email\", charset=\"UTF-8\"");
        response.setContentType("application/json");
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.getWriter().write("{\"error\":\"Log in with a Karaf user that has one of the roles "
                + String.join(", ", access.roles()) + "\"}");
        // Committed, so the container sends this answer rather than its own 403 page
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

    /** Logs in to the JAAS realm and checks the roles; the password is never logged. */
    static boolean authorized(String user, String password, Set<String> roles) {
        Subject subject = new Subject();
        try {
            LoginContext login = new LoginContext(REALM, subject, callbacks -> {
                for (Callback cb : callbacks) {
                    if (cb instanceof NameCallback n) {
                        n.setName(user);
                    } else if (cb instanceof PasswordCallback p) {
                        p.setPassword(password.toCharArray());
                    } else {
                        throw new UnsupportedCallbackException(cb);
                    }
                }
            });
            login.login();
            for (Principal p : subject.getPrincipals()) {
                if (p.getClass().getSimpleName().equals("RolePrincipal") && roles.contains(p.getName())) {
                    login.logout();
                    return true;
                }
            }
            login.logout();
            LOG.info("Web login of {} refused: none of the roles {}", user, roles);
            return false;
        } catch (LoginException e) {
            LOG.info("Web login of {} refused: {}", user, e.getMessage());
            return false;
        }
    }
}
