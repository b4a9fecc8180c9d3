package io.talentats.email.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Finds an address's mail server settings without its password: presets by domain, the provider's autoconfig,
 * the ISP database, DNS SRV, the domain's MX, and last common server names. First hit wins; each source has a
 * short timeout and the whole takes about 5 s at most; results are cached for a while.
 */
@ProviderType
public interface Discovery {

    /**
     * @throws IllegalArgumentException when {@code emailAddress} is not an address
     */
    Discovered discover(String emailAddress);
}
