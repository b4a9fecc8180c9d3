package io.talentats.email.settings.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM with a random 96-bit nonce and a 128-bit tag; the context is authenticated as associated data. Text form:
 * {@code {aesgcm:KEYID}BASE64(nonce || ciphertext || tag)}.
 */
final class AesGcm {

    private static final Pattern FORMAT = Pattern.compile("\\{aesgcm:([A-Za-z0-9_-]{1,32})\\}([A-Za-z0-9+/=]+)");
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AesGcm() {}

    static boolean isCipherText(Object value) {
        return value instanceof String s && FORMAT.matcher(s).matches();
    }

    /** The id of the key the ciphertext needs. */
    static String keyIdOf(String cipherText) {
        return parse(cipherText).group(1);
    }

    static String encrypt(String keyId, SecretKey key, String plainText, String context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plainText.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return "{aesgcm:" + keyId + "}" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption is not available in this JVM: " + e.getMessage(), e);
        }
    }

    /**
     * @param key the key named by the ciphertext
     * @throws IllegalStateException if the ciphertext does not authenticate under that key and context
     */
    static String decrypt(String cipherText, SecretKey key, String context) {
        Matcher m = parse(cipherText);
        byte[] in;
        try {
            in = Base64.getDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the stored secret for " + context + " is damaged (not valid Base64)");
        }
        if (in.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalStateException("the stored secret for " + context + " is damaged (too short)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("the stored secret for " + context + " does not decrypt with key '"
                    + m.group(1) + "': it was altered, copied from another place, or the key file was replaced. "
                    + "Enter the password again.");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption is not available in this JVM: " + e.getMessage(), e);
        }
    }

    private static Matcher parse(String cipherText) {
        Matcher m = FORMAT.matcher(cipherText == null ? "" : cipherText);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a secret in the {aesgcm:KEYID}BASE64 format");
        }
        return m;
    }
}
