package io.talentats.email.web.internal;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import com.google.gson.JsonParseException;

import io.talentats.email.api.FieldError;
import io.talentats.email.api.PageRequest;

/** Reading API requests and writing JSON answers, the same way for every route. */
final class Requests {

    /** Largest request body read: attachments are not sent through this API. */
    static final int MAX_BODY = 2 * 1024 * 1024;

    private Requests() {}

    static PageRequest page(HttpServletRequest req) {
        return new PageRequest(intParam(req, "offset", 0, 0, Integer.MAX_VALUE), intParam(req, "limit", 50, 1, 500));
    }

    static int intParam(HttpServletRequest req, String name, int dflt, int min, int max) {
        String v = req.getParameter(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(400, "Query parameter " + name + " must be a whole number from " + min + " to " + max,
                List.of(new FieldError(name, "must be a whole number from " + min + " to " + max)));
    }

    /**
     * Reads a JSON body. Only {@code application/json} is accepted: a cross-site form cannot send it without the
     * browser asking first, which keeps the API safe from forged requests.
     */
    static <T> T read(HttpServletRequest req, Class<T> type) {
        requireJson(req);
        return parse(body(req), type);
    }

    static void requireJson(HttpServletRequest req) {
        String contentType = req.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "Send the body as JSON with Content-Type: application/json");
        }
    }

    /** The request body as text (at most {@link #MAX_BODY} characters). */
    static String body(HttpServletRequest req) {
        StringBuilder sb = new StringBuilder();
        try (Reader in = req.getReader()) {
            char[] buf = new char[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                sb.append(buf, 0, n);
                if (sb.length() > MAX_BODY) {
                    throw new ApiException(413, "The request body is larger than " + MAX_BODY + " characters");
                }
            }
        } catch (IOException e) {
            throw new ApiException(400, "The request body could not be read: " + rootMessage(e));
        }
        return sb.toString();
    }

    static <T> T parse(String body, Class<T> type) {
        try {
            T value = Json.GSON.fromJson(body, type);
            if (value == null) {
                throw new ApiException(400, "The request body is empty; send a JSON object");
            }
            return value;
        } catch (JsonParseException e) {
            throw new ApiException(400, "The request body is not valid JSON for this call: " + rootMessage(e));
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return Optional.ofNullable(t.getMessage()).orElse(t.getClass().getSimpleName());
    }

    static void write(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        Json.GSON.toJson(body, resp.getWriter());
    }

    static List<String> segments(String pathInfo) {
        List<String> out = new ArrayList<>();
        if (pathInfo != null) {
            for (String s : pathInfo.split("/")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }
}
