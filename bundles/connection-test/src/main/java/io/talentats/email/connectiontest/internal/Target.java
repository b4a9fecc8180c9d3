package io.talentats.email.connectiontest.internal;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.Secret;

/**
 * The settings under test, password included (for an OAuth account the access token, sent with XOAUTH2). Its
 * {@code toString()} masks the password.
 */
record Target(String emailAddress, String username, Secret password, String displayName, Endpoint smtp,
        Endpoint imap, String presetId, boolean oauth) {}
