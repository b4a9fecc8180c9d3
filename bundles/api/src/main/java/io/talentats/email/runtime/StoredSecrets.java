package io.talentats.email.runtime;

import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Secrets kept outside ConfigAdmin under the key ring (OAuth tokens in the database). Registered as a service, it
 * takes part in key rotation: {@link KeyRotation#rotate()} asks every one to re-encrypt under the new key before
 * old keys are retired.
 */
@ConsumerType
public interface StoredSecrets {

    /**
     * Re-encrypts every secret not yet under {@code currentKeyId} with {@code cipher}.
     *
     * @param stillNeeded gets the ids of keys that secrets which could not be re-encrypted still need
     * @return how many secrets were re-encrypted
     */
    int reencrypt(SecretCipher cipher, String currentKeyId, Set<String> stillNeeded);

    /** The id of the key a ciphertext was made with ({@code {aesgcm:KEYID}…}). */
    static String keyIdOf(String cipherText) {
        int end = cipherText.indexOf('}');
        int colon = cipherText.indexOf(':');
        return colon < 0 || end < colon ? "" : cipherText.substring(colon + 1, end);
    }
}
