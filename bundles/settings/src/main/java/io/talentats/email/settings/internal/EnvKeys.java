package io.talentats.email.settings.internal;

import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.SecretKey;

/** Reads a key ring from an environment variable: {@code ID:BASE64[,ID:BASE64…]}, the current key first. */
final class EnvKeys {

    private EnvKeys() {}

    static Keys parse(String variable, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("The key source is 'env' but the environment variable " + variable
                    + " is not set. Set it to ID:BASE64 (32 random bytes, Base64) or switch key.source to file.");
        }
        Map<String, SecretKey> byId = new LinkedHashMap<>();
        String current = null;
        for (String entry : value.split(",")) {
            String e = entry.trim();
            int colon = e.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException("The environment variable " + variable
                        + " must hold ID:BASE64 pairs separated by commas; an entry has no ID");
            }
            String id = e.substring(0, colon);
            if (!Keys.ID.matcher(id).matches()) {
                throw new IllegalStateException("The environment variable " + variable
                        + " has a key id that is not 1-32 letters, digits, '-' or '_': " + id);
            }
            byId.put(id, Keys.decode(e.substring(colon + 1), "The environment variable " + variable));
            if (current == null) {
                current = id;
            }
        }
        return new Keys(current, byId);
    }
}
