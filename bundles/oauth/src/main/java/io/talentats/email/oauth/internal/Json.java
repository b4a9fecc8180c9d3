package io.talentats.email.oauth.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the JSON that token endpoints answer and ID tokens carry: one object whose values we read as text.
 * Strings, numbers, booleans and null at the top level; nested objects and arrays are skipped.
 */
final class Json {

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    /** The top-level members as text ({@code null} for JSON null; nested values left out). */
    static Map<String, String> object(String text) {
        Json j = new Json(text == null ? "" : text.trim());
        Map<String, String> out = new LinkedHashMap<>();
        j.expect('{');
        j.space();
        if (j.peek() == '}') {
            return out;
        }
        while (true) {
            j.space();
            String key = j.string();
            j.space();
            j.expect(':');
            j.space();
            char c = j.peek();
            if (c == '"') {
                out.put(key, j.string());
            } else if (c == '{' || c == '[') {
                j.skipNested();
            } else {
                String literal = j.literal();
                out.put(key, literal.equals("null") ? null : literal);
            }
            j.space();
            char next = j.next();
            if (next == '}') {
                return out;
            }
            if (next != ',') {
                throw new IllegalArgumentException("not a JSON object: ',' or '}' expected at " + (j.i - 1));
            }
        }
    }

    private char peek() {
        if (i >= s.length()) {
            throw new IllegalArgumentException("not a JSON object: it ends early");
        }
        return s.charAt(i);
    }

    private char next() {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            throw new IllegalArgumentException("not a JSON object: '" + c + "' expected at " + (i - 1));
        }
    }

    private void space() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> sb.append(e);
            }
        }
    }

    private String literal() {
        int start = i;
        while (i < s.length() && ",}] \t\r\n".indexOf(s.charAt(i)) < 0) {
            i++;
        }
        return s.substring(start, i);
    }

    private void skipNested() {
        int depth = 0;
        do {
            char c = peek();
            if (c == '"') {
                string();
                continue;
            }
            i++;
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
        } while (depth > 0);
    }
}
