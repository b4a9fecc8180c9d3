package io.talentats.email.support;

import java.util.ArrayList;
import java.util.List;

/** Reading configuration values the way both ConfigAdmin and Karaf's .cfg files give them. */
public final class ConfigValues {

    private ConfigValues() {}

    /**
     * The items of a multi-valued setting. ConfigAdmin may hold an array, but a .cfg file gives one string
     * ({@code roles = admin,manager}), which DS turns into a one-element array: both mean the same list here. Items
     * are trimmed; empty ones are dropped.
     */
    public static List<String> list(String[] values) {
        List<String> out = new ArrayList<>();
        for (String value : values == null ? new String[0] : values) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
        }
        return out;
    }
}
