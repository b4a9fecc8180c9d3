package io.talentats.email.connectiontest.internal;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;

/** The settings under test, password included. Its {@code toString()} masks the password. */
record Target(String emailAddress, String username, Secret password, String displayName, Endpoint smtp,
        Endpoint imap, String presetId) {}
