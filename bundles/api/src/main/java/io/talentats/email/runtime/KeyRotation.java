package io.talentats.email.runtime;

import org.osgi.annotation.versioning.ProviderType;

/** Moves every stored secret to a new key. */
@ProviderType
public interface KeyRotation {

    /**
     * Makes a new key current and re-encrypts every stored secret under it: every account password and every other
     * configuration value that holds our ciphertext (such as the platform transport's password). Keys that no
     * secret needs any more are then removed from a key file; a key from the environment is never changed (put the
     * new key first in the variable and rotate to move the secrets to it).
     *
     * @return how many secrets were re-encrypted
     */
    int rotate();

    /**
     * Takes up a rotation that another node sharing the key file made: its new key becomes current here and this
     * node's own secrets are re-encrypted under it. A stat of the key file when nothing changed. Called regularly by
     * a node on a shared database, so that every node running moves off a key before the next rotation retires it.
     */
    void follow();
}
