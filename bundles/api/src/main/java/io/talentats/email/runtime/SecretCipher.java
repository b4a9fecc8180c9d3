package io.talentats.email.runtime;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Authenticated encryption (AES-GCM) of short secrets under the product key ring. Ciphertext is text of the form
 * {@code {aesgcm:KEYID}BASE64}, so it can sit in a configuration and names the key it needs. Each secret is bound
 * to the place it is stored ({@code context}, e.g. {@code io.talentats.email.platform/password}): ciphertext copied
 * to another place does not decrypt.
 */
@ProviderType
public interface SecretCipher {

    /** The context of a secret stored in configuration {@code pid} under {@code key}. */
    static String context(String pid, String key) {
        return pid + "/" + key;
    }

    String encrypt(String plainText, String context);

    /**
     * @throws IllegalStateException if the key named by the ciphertext is unknown, or the ciphertext was altered or
     *     belongs to another context; the message says which and what to do, never the secret
     */
    String decrypt(String cipherText, String context);

    /** Whether the value is ciphertext in our format (as opposed to plain text). */
    boolean isCipherText(Object value);

    /**
     * Replaces a plain-text secret an operator wrote into configuration {@code pid} (a {@code .cfg} file, say) under
     * {@code key} by its ciphertext, in context {@link #context(String, String) context(pid, key)}. The update this
     * causes reaches the configuration's component again, with the ciphertext. Nothing happens when the value is
     * already ciphertext, empty, or the configuration does not exist.
     *
     * @return whether the configuration was rewritten
     */
    boolean encryptInConfiguration(String pid, String key);
}
