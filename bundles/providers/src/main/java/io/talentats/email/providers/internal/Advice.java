package io.talentats.email.providers.internal;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.talentats.email.api.FailureClass;
import io.talentats.email.spi.MailProvider;

/** A built-in provider: advice per failure from a fixed table. */
abstract class Advice implements MailProvider {

    private final Map<FailureClass, List<String>> table = new EnumMap<>(FailureClass.class);

    /** Gives {@code advice} for each of {@code failures}. */
    protected final void on(List<FailureClass> failures, String... advice) {
        for (FailureClass f : failures) {
            table.put(f, List.of(advice));
        }
    }

    @Override
    public List<String> adviceFor(FailureClass failure) {
        return table.getOrDefault(failure, List.of());
    }
}
