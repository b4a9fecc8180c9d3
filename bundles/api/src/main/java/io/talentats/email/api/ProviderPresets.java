package io.talentats.email.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The provider presets known right now: the built-in ones and every preset another bundle contributes through
 * {@link io.talentats.email.spi.MailProvider}. Contributions appear and disappear at runtime; when two share an id,
 * the one with the higher service ranking wins.
 */
@ProviderType
public interface ProviderPresets {

    /** Every preset, ordered by display name. */
    List<ProviderPreset> list();

    /** The preset with this id. */
    Optional<ProviderPreset> find(String id);

    /** The preset serving the domain of {@code emailAddress}; empty means "no preset known" for it. */
    Optional<ProviderPreset> lookup(String emailAddress);

    /**
     * The draft with the preset's servers, ports and security filled in and its id recorded; the address, username,
     * password and display name are kept.
     *
     * @throws IllegalArgumentException if no preset has this id
     */
    AccountDraft apply(String presetId, AccountDraft draft);

    /**
     * Advice for a failure, specific to the preset (from its {@link io.talentats.email.spi.MailProvider}); empty if
     * the preset is unknown or has none.
     */
    List<String> adviceFor(String presetId, FailureClass failure);
}
