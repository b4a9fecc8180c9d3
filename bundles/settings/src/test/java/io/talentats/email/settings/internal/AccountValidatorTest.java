package io.talentats.email.settings.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.Security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccountValidatorTest {

    private static AccountDraft.Builder good() {
        return AccountDraft.builder()
                .emailAddress("jane.doe@example.com")
                .password("secret")
                .smtp("smtp.example.com", 465, Security.SSL_TLS)
                .imap("imap.example.com", 993, Security.SSL_TLS);
    }

    private static Map<String, String> errors(AccountDraft d, boolean stored, boolean allowUnencrypted) {
        return AccountValidator.validate("user-1", d, stored, allowUnencrypted).stream()
                .collect(Collectors.toMap(FieldError::field, FieldError::message));
    }

    @Test
    void aCompleteDraftIsValid() {
        assertThat(AccountValidator.validate("user-1", good().build(), false, false)).isEmpty();
        assertThat(AccountValidator.validate("user-1",
                good().smtp("smtp.example.com", 587, Security.STARTTLS).build(), false, false)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jane", "jane@", "@example.com", "jane@@example.com", "jane doe@example.com",
        "jane..doe@example.com", ".jane@example.com", "jane@example", "jane@exa_mple.com", "jane@-example.com",
        "jane@example.com\r\nBcc: x@evil.com"})
    void rejectsInvalidAddresses(String address) {
        assertThat(errors(good().emailAddress(address).build(), false, false)).containsOnlyKeys("emailAddress");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jane+ats@example.com", "o'brien@example.co.uk", "x@sub.domain.example", "j@bücher.de"})
    void acceptsValidAddresses(String address) {
        assertThat(errors(good().emailAddress(address).build(), false, false)).isEmpty();
    }

    @Test
    void eachBadFieldGetsItsOwnMessage() {
        Map<String, String> e = errors(AccountDraft.builder()
                .emailAddress("nope")
                .smtp("smtp example.com", 70000, Security.SSL_TLS)
                .imap("", 993, null)
                .displayName("Jane\nBcc: x")
                .build(), false, false);
        assertThat(e).containsOnlyKeys("emailAddress", "password", "displayName", "smtp.host", "smtp.port",
                "imap.host", "imap.security");
        assertThat(e.get("smtp.port")).contains("between 1 and 65535");
        assertThat(e.get("smtp.host")).contains("smtp example.com");
        assertThat(e.get("imap.host")).contains("Enter the server name");
    }

    @Test
    void flagsProbableTlsPortMismatches() {
        assertThat(errors(good().smtp("smtp.example.com", 587, Security.SSL_TLS).build(), false, false))
                .containsOnlyKeys("smtp.security")
                .extractingByKey("smtp.security").asString().contains("587 is for STARTTLS").contains("465");
        assertThat(errors(good().smtp("smtp.example.com", 465, Security.STARTTLS).build(), false, false))
                .extractingByKey("smtp.security").asString().contains("465 is for SSL/TLS");
        assertThat(errors(good().imap("imap.example.com", 143, Security.SSL_TLS).build(), false, false))
                .containsOnlyKeys("imap.security");
    }

    @Test
    void unencryptedNeedsTheOperatorsOptIn() {
        AccountDraft plain = good().smtp("relay.internal", 25, Security.NONE).imap("imap.internal", 143, Security.NONE)
                .build();
        assertThat(errors(plain, false, false)).containsOnlyKeys("smtp.security", "imap.security");
        assertThat(errors(plain, false, true)).isEmpty();
    }

    @Test
    void aPasswordIsNeededOnlyWhenNoneIsStored() {
        AccountDraft noPassword = good().password((String) null).build();
        assertThat(errors(noPassword, false, false)).containsOnlyKeys("password");
        assertThat(errors(noPassword, true, false)).isEmpty();
        assertThat(errors(good().password("a\nb").build(), true, false)).containsOnlyKeys("password");
    }

    @Test
    void validatesTheUserId() {
        assertThat(AccountValidator.validate("../etc/passwd", good().build(), false, false))
                .extracting(FieldError::field).isEqualTo(List.of("userId"));
        assertThat(AccountValidator.validate("7c9e6679-7425-40de-944b-e07fc1f90ae7", good().build(), false, false))
                .isEmpty();
    }

    @Test
    void messagesNeverEchoThePassword() {
        String password = "hunter2-\r\n-secret";
        assertThat(AccountValidator.validate("u", good().password(password).build(), false, false))
                .allSatisfy(e -> assertThat(e.message()).doesNotContain("hunter2"));
    }

    @Test
    void aProviderApiNeedsTheProvidersSignInAndAKnownName() {
        assertThat(errors(good().mailAccess("graph").build(), false, false))
                .containsOnlyKeys("mailAccess").extractingByKey("mailAccess").asString()
                .contains("Sign in with Microsoft");
        assertThat(errors(good().password((String) null).oauthProvider("microsoft").mailAccess("graph").build(), false,
                false)).isEmpty();
        assertThat(errors(good().password((String) null).oauthProvider("google").mailAccess("Gmail API\r\n").build(),
                false, false)).containsOnlyKeys("mailAccess");
        // SMTP and IMAP is the default, named or not
        assertThat(good().mailAccess("smtp-imap").build().mailAccess()).isNull();
    }
}
