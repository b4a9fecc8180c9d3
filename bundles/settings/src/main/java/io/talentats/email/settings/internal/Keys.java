package io.talentats.email.settings.internal;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** An immutable set of AES-256 keys by id, one of them current (used for new ciphertext). */
record Keys(String currentId, Map<String, SecretKey> byId) {

    static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    Keys {
        if (!byId.containsKey(currentId)) {
            throw new IllegalArgumentException("the current key '" + currentId + "' is not in the key ring");
        }
        byId = Collections.unmodifiableMap(new LinkedHashMap<>(byId));
    }

    SecretKey current() {
        return byId.get(currentId);
    }

    /** A ring holding one new random key. */
    static Keys generate() {
        String id = newId();
        return new Keys(id, Map.of(id, newKey()));
    }

    /** This ring plus a new random key, which becomes current. */
    Keys withNewCurrent() {
        Map<String, SecretKey> next = new LinkedHashMap<>(byId);
        String id;
        do {
            id = newId();
        } while (next.containsKey(id));
        next.put(id, newKey());
        return new Keys(id, next);
    }

    /** The ring {@code file} holds, with the keys of this ring it no longer has: what was readable stays readable. */
    Keys followedBy(Keys file) {
        Map<String, SecretKey> next = new LinkedHashMap<>(file.byId);
        byId.forEach(next::putIfAbsent);
        return new Keys(file.currentId, next);
    }

    /** This ring with only the keys named (the current one is always kept). */
    Keys retain(java.util.Set<String> ids) {
        Map<String, SecretKey> next = new LinkedHashMap<>();
        byId.forEach((id, key) -> {
            if (id.equals(currentId) || ids.contains(id)) {
                next.put(id, key);
            }
        });
        return new Keys(currentId, next);
    }

    /**
     * Decodes one Base64 key of 32 bytes.
     *
     * @param where names the source in the error message
     */
    static SecretKey decode(String base64, String where) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + ": a key is not valid Base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException(
                    where + ": a key must be 32 random bytes (AES-256), Base64-encoded; found " + raw.length + " bytes");
        }
        return new SecretKeySpec(raw, "AES");
    }

    static String encode(SecretKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    private static String newId() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return "k" + HexFormat.of().formatHex(b);
    }

    private static SecretKey newKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return new SecretKeySpec(raw, "AES");
    }

    @Override
    public String toString() {
        return "Keys[current=" + currentId + ", ids=" + byId.keySet() + "]";
    }
}
