package io.talentats.email.itests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small OAuth 2.0 authorization server for tests, on a loopback port: authorization code with PKCE (S256 checked),
 * refresh (with rotation for the Microsoft shape: every use returns a new refresh token and retires the old one),
 * device code (RFC 8628), revocation (RFC 7009) and an unsigned ID token with the address. Consent is given at once
 * for the address set with {@link #nextLogin}. Every access token it issues is handed to {@link #onToken} (the test
 * makes it the GreenMail user's password, so only the newest token logs in) and remembered, so tests can look for it
 * where it must never appear.
 *
 * <p>Paths: {@code /{provider}/authorize}, {@code /token}, {@code /device}, {@code /revoke}; {@code provider} is
 * {@code google} (refresh token kept) or {@code microsoft} (rotated).
 */
public final class OAuthServer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private record Code(String email, String clientId, String redirectUri, String challenge, String nonce,
            String provider) {}

    private record Grant(String email, String clientId, String provider) {}

    private final HttpServer http;
    private final Map<String, String> clients = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, String> devices = new ConcurrentHashMap<>(); // device code -> approved email or ""
    private final Map<String, String> userCodes = new ConcurrentHashMap<>(); // user code -> device code
    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final List<String> revoked = new CopyOnWriteArrayList<>();
    private final AtomicInteger refreshes = new AtomicInteger();
    private volatile String nextLogin;
    private volatile Duration accessLifetime = Duration.ofHours(1);
    private volatile BiConsumer<String, String> onToken = (email, token) -> { };

    private OAuthServer(HttpServer http) {
        this.http = http;
    }

    public static OAuthServer start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OAuthServer s = new OAuthServer(http);
        http.createContext("/", s::handle);
        http.start();
        return s;
    }

    public void stop() {
        http.stop(0);
    }

    /** {@code http://127.0.0.1:PORT/provider}. */
    public String base(String provider) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + provider;
    }

    public void client(String clientId, String secret) {
        clients.put(clientId, secret);
    }

    public void nextLogin(String email) {
        this.nextLogin = email;
    }

    public void accessLifetime(Duration d) {
        this.accessLifetime = d;
    }

    public void onToken(BiConsumer<String, String> listener) {
        this.onToken = listener;
    }

    /** Every access and refresh token issued so far. */
    public Set<String> issued() {
        return Set.copyOf(issued);
    }

    public int refreshes() {
        return refreshes.get();
    }

    public List<String> revoked() {
        return List.copyOf(revoked);
    }

    /** Withdraws every grant of {@code email}: its refresh tokens now answer {@code invalid_grant}. */
    public void withdraw(String email) {
        refreshTokens.values().removeIf(g -> g.email().equals(email));
    }

    /** The recruiter entered {@code userCode} and approved as {@code email}. */
    public void approveDevice(String userCode, String email) {
        String device = userCodes.get(userCode);
        if (device == null) {
            throw new IllegalArgumentException("unknown user code " + userCode);
        }
        devices.put(device, email);
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String[] parts = path.split("/");
            String provider = parts.length > 1 ? parts[1] : "";
            String op = parts.length > 2 ? parts[2] : "";
            Map<String, String> q = form(ex.getRequestURI().getRawQuery());
            if ("POST".equals(ex.getRequestMethod())) {
                try (InputStream in = ex.getRequestBody()) {
                    q.putAll(form(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
            switch (op) {
                case "authorize" -> authorize(ex, provider, q);
                case "token" -> token(ex, provider, q);
                case "device" -> device(ex, q);
                case "revoke" -> {
                    revoked.add(q.get("token"));
                    refreshTokens.remove(q.get("token"));
                    json(ex, 200, "{}");
                }
                default -> json(ex, 404, "{\"error\":\"not_found\"}");
            }
        } catch (RuntimeException e) {
            json(ex, 500, "{\"error\":\"server_error\",\"error_description\":\"" + e + "\"}");
        }
    }

    private void authorize(HttpExchange ex, String provider, Map<String, String> q) throws IOException {
        String redirect = q.get("redirect_uri");
        if (!clients.containsKey(q.get("client_id")) || redirect == null) {
            json(ex, 400, "{\"error\":\"invalid_client\"}");
            return;
        }
        if (!"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null) {
            redirect(ex, redirect + "?error=invalid_request&state=" + enc(q.get("state")));
            return;
        }
        String email = nextLogin != null ? nextLogin : q.get("login_hint");
        String code = random();
        codes.put(code, new Code(email, q.get("client_id"), redirect, q.get("code_challenge"), q.get("nonce"),
                provider));
        redirect(ex, redirect + "?code=" + enc(code) + "&state=" + enc(q.get("state")));
    }

    private void token(HttpExchange ex, String provider, Map<String, String> q) throws IOException {
        String clientId = q.get("client_id");
        String secret = clients.get(clientId);
        if (secret == null || !secret.equals(q.get("client_secret"))) {
            json(ex, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        switch (String.valueOf(q.get("grant_type"))) {
            case "authorization_code" -> {
                Code c = codes.remove(String.valueOf(q.get("code")));
                if (c == null || !c.redirectUri().equals(q.get("redirect_uri")) || !c.clientId().equals(clientId)
                        || !c.challenge().equals(s256(q.get("code_verifier")))) {
                    json(ex, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"code, redirect or PKCE\"}");
                    return;
                }
                issue(ex, c.email(), clientId, c.provider(), c.nonce(), null);
            }
            case "refresh_token" -> {
                String old = q.get("refresh_token");
                Grant g = refreshTokens.get(String.valueOf(old));
                if (g == null) {
                    json(ex, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70000: the grant is "
                            + "revoked or expired\"}");
                    return;
                }
                refreshes.incrementAndGet();
                issue(ex, g.email(), clientId, g.provider(), null, old);
            }
            case "urn:ietf:params:oauth:grant-type:device_code" -> {
                String email = devices.get(String.valueOf(q.get("device_code")));
                if (email == null) {
                    json(ex, 400, "{\"error\":\"expired_token\"}");
                } else if (email.isEmpty()) {
                    json(ex, 400, "{\"error\":\"authorization_pending\"}");
                } else {
                    devices.remove(q.get("device_code"));
                    issue(ex, email, clientId, provider, null, null);
                }
            }
            default -> json(ex, 400, "{\"error\":\"unsupported_grant_type\"}");
        }
    }

    private void device(HttpExchange ex, Map<String, String> q) throws IOException {
        if (!clients.containsKey(q.get("client_id"))) {
            json(ex, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        String device = random();
        String user = Integer.toString(100000 + RANDOM.nextInt(900000));
        devices.put(device, "");
        userCodes.put(user, device);
        json(ex, 200, "{\"device_code\":\"" + device + "\",\"user_code\":\"" + user + "\",\"verification_uri\":\""
                + "https://microsoft.com/devicelogin\",\"expires_in\":120,\"interval\":1}");
    }

    /** New tokens; the Microsoft shape rotates the refresh token, the Google shape keeps it. */
    private void issue(HttpExchange ex, String email, String clientId, String provider, String nonce,
            String oldRefresh) throws IOException {
        String access = "at-" + random();
        String refresh;
        boolean rotate = "microsoft".equals(provider);
        if (oldRefresh == null || rotate) {
            refresh = "rt-" + random();
            if (oldRefresh != null) {
                refreshTokens.remove(oldRefresh);
            }
            refreshTokens.put(refresh, new Grant(email, clientId, provider));
        } else {
            refresh = null;
        }
        issued.add(access);
        if (refresh != null) {
            issued.add(refresh);
        }
        onToken.accept(email, access);
        Map<String, Object> claims = new HashMap<>();
        claims.put("iss", base(provider));
        claims.put("aud", clientId);
        claims.put("email", email);
        claims.put("exp", Instant.now().plusSeconds(600).getEpochSecond());
        if (nonce != null) {
            claims.put("nonce", nonce);
        }
        StringBuilder payload = new StringBuilder("{");
        claims.forEach((k, v) -> payload.append(payload.length() > 1 ? "," : "").append('"').append(k)
                .append("\":").append(v instanceof String ? "\"" + v + "\"" : v));
        payload.append('}');
        String idToken = b64("{\"alg\":\"none\"}") + "." + b64(payload.toString()) + ".";
        json(ex, 200, "{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + accessLifetime.toSeconds() + (refresh == null ? "" : ",\"refresh_token\":\"" + refresh + "\"")
                + ",\"id_token\":\"" + idToken + "\"}");
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(302, -1);
        ex.close();
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(String.valueOf(s), StandardCharsets.UTF_8);
    }

    private static String random() {
        byte[] b = new byte[24];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String s256(String verifier) {
        if (verifier == null) {
            return "";
        }
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The query of a URI as a map. */
    public static Map<String, String> query(URI uri) {
        return form(uri.getRawQuery());
    }
}
