package io.talentats.email.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A password on its way in. It never prints itself: {@code toString()} is masked, so a secret that ends up in a
 * log line or an exception message shows as {@code ******}. Our bundles read it once, encrypt it and {@link #clear()}
 * it; the host ATS never gets one back from any API.
 */
public final class Secret {

    private final char[] value;

    private Secret(char[] value) {
        this.value = value;
    }

    /** A secret holding a copy of {@code value}. */
    public static Secret of(CharSequence value) {
        Objects.requireNonNull(value, "value");
        char[] copy = new char[value.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = value.charAt(i);
        }
        return new Secret(copy);
    }

    /** A secret holding a copy of {@code value}. */
    public static Secret of(char[] value) {
        return new Secret(Arrays.copyOf(Objects.requireNonNull(value, "value"), value.length));
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    /** The plain text. For the moment of use only: do not keep, log or return it. */
    public String reveal() {
        return new String(value);
    }

    /** Overwrites the held characters. */
    public void clear() {
        Arrays.fill(value, '\0');
    }

    @Override
    public String toString() {
        return "******";
    }
}
