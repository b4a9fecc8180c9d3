package io.talentats.email.oauth.internal;

import java.util.Optional;

import io.talentats.email.oauth.internal.Clients.Client;

/** Finds a provider's client: what the token service needs of {@link Clients}. */
@FunctionalInterface
interface ClientLookup {
    Optional<Client> find(String provider);
}
