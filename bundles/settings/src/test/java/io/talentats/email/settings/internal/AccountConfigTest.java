package io.talentats.email.settings.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.talentats.email.runtime.AccountConfig;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

/** What the settings service writes is what other bundles read through the typed {@link AccountConfig} view. */
class AccountConfigTest {

    @Test
    void everyKeyWrittenReadsBackThroughTheTypedView() {
        Map<String, Object> written = new HashMap<>();
        written.put(AccountKeys.USER_ID, "rita");
        written.put(AccountKeys.EMAIL_ADDRESS, "rita@example.com");
        written.put(AccountKeys.USERNAME, "rita.login");
        written.put(AccountKeys.PASSWORD, "{aesgcm:k1}abc");
        written.put(AccountKeys.DISPLAY_NAME, "Rita");
        written.put(AccountKeys.SMTP_HOST, "smtp.example.com");
        written.put(AccountKeys.SMTP_PORT, 465);
        written.put(AccountKeys.SMTP_SECURITY, "SSL_TLS");
        written.put(AccountKeys.IMAP_HOST, "imap.example.com");
        written.put(AccountKeys.IMAP_PORT, 993);
        written.put(AccountKeys.IMAP_SECURITY, "SSL_TLS");
        written.put(AccountKeys.PRESET_ID, "gmail");
        written.put(AccountKeys.SAVE_SENT_COPY, "false");
        written.put(AccountKeys.ENABLED, false);
        written.put(AccountKeys.SAVED_AT, "2026-12-01T10:00:00Z");
        written.put(AccountKeys.AUTH_METHOD, AccountKeys.OAUTH2);
        written.put(AccountKeys.OAUTH_PROVIDER, "microsoft");
        written.put(AccountKeys.MAIL_ACCESS, "graph");

        AccountConfig c = Converters.standardConverter().convert(written).to(AccountConfig.class);
        assertThat(c.user_id()).isEqualTo("rita");
        assertThat(c.email_address()).isEqualTo("rita@example.com");
        assertThat(c.username()).isEqualTo("rita.login");
        assertThat(c.password()).isEqualTo("{aesgcm:k1}abc");
        assertThat(c.display_name()).isEqualTo("Rita");
        assertThat(c.smtp_host()).isEqualTo("smtp.example.com");
        assertThat(c.smtp_port()).isEqualTo(465);
        assertThat(c.smtp_security()).isEqualTo("SSL_TLS");
        assertThat(c.imap_host()).isEqualTo("imap.example.com");
        assertThat(c.imap_port()).isEqualTo(993);
        assertThat(c.imap_security()).isEqualTo("SSL_TLS");
        assertThat(c.preset_id()).isEqualTo("gmail");
        assertThat(c.save_sent_copy()).isEqualTo("false");
        assertThat(c.enabled()).isFalse();
        assertThat(c.saved_at()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(c.auth_method()).isEqualTo("oauth2");
        assertThat(c.oauth_provider()).isEqualTo("microsoft");
        assertThat(c.mail_access()).isEqualTo("graph");

        // And the view names no key the settings service does not write.
        Set<String> viewKeys = Arrays.stream(AccountConfig.class.getDeclaredMethods())
                .map(m -> m.getName().replace('_', '.')).collect(Collectors.toSet());
        assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(viewKeys);
        assertThat(AccountKeys.FACTORY_PID).isEqualTo(AccountConfig.FACTORY_PID);
    }
}
