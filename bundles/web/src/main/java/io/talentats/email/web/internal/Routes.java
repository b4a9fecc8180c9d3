package io.talentats.email.web.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The REST API's routes as a table: a path pattern ({@code accounts/{user}/test}) and a handler per method. A
 * request finds its route by its path; a path that matches but not with this method is a 405 that names the
 * methods allowed.
 */
final class Routes<H> {

    /** A matched route: the handler and the path's {@code {name}} parts. */
    record Match<H>(H handler, Map<String, String> params) {}

    /** A path that exists, asked with a method it does not take. */
    record NotAllowed(List<String> allowed) {}

    /** One method on one pattern, for listing the table. */
    record Entry<H>(String method, String pattern, H handler) {}

    private record Route<H>(String[] pattern, Map<String, H> byMethod) {}

    private final List<Route<H>> routes = new ArrayList<>();

    /** Adds {@code handler} for {@code method} on {@code pattern}; segments in braces match any one segment. */
    Routes<H> on(String method, String pattern, H handler) {
        String[] parts = pattern.isEmpty() ? new String[0] : pattern.split("/");
        for (Route<H> r : routes) {
            if (String.join("/", r.pattern()).equals(pattern)) {
                r.byMethod().put(method, handler);
                return this;
            }
        }
        Map<String, H> byMethod = new LinkedHashMap<>();
        byMethod.put(method, handler);
        routes.add(new Route<>(parts, byMethod));
        return this;
    }

    /**
     * The route for {@code method} and {@code path}: a {@link Match}, a {@link NotAllowed}, or empty when no route
     * has this path.
     */
    Optional<Object> find(String method, List<String> path) {
        for (Route<H> r : routes) {
            Map<String, String> params = match(r.pattern(), path);
            if (params == null) {
                continue;
            }
            H handler = r.byMethod().get(method);
            return Optional.of(handler != null ? new Match<>(handler, params)
                    : new NotAllowed(List.copyOf(r.byMethod().keySet())));
        }
        return Optional.empty();
    }

    /** Every route, in the order they were added. */
    List<Entry<H>> entries() {
        List<Entry<H>> out = new ArrayList<>();
        for (Route<H> r : routes) {
            r.byMethod().forEach((m, h) -> out.add(new Entry<>(m, String.join("/", r.pattern()), h)));
        }
        return out;
    }

    private static Map<String, String> match(String[] pattern, List<String> path) {
        if (pattern.length != path.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                params.put(p.substring(1, p.length() - 1), path.get(i));
            } else if (!p.equals(path.get(i))) {
                return null;
            }
        }
        return params;
    }
}
