package io.talentats.email.api;

/**
 * One mail server: host, port and how the connection is protected. A draft may hold an incomplete endpoint;
 * {@link AccountSettingsService#validate(AccountDraft)} says what is wrong with it.
 */
public record Endpoint(String host, int port, Security security) {

    @Override
    public String toString() {
        return host + ":" + port + " (" + security + ")";
    }
}
