package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.talentats.email.api.Security;
import io.talentats.email.runtime.MailAccount;
import io.talentats.email.runtime.SecretCipher;

import org.junit.jupiter.api.Test;
import org.osgi.util.converter.Converters;

class PlatformBounceMailboxTest {

    /** A cipher whose key changes when told: what it decrypts shows which key was current at that moment. */
    static final class Cipher implements SecretCipher {
        final AtomicInteger decrypts = new AtomicInteger();
        volatile String key = "k1";

        @Override
        public String encrypt(String plainText, String context) {
            return "{aesgcm:" + key + "}" + plainText;
        }

        @Override
        public String decrypt(String cipherText, String context) {
            decrypts.incrementAndGet();
            assertThat(context).isEqualTo(SecretCipher.context("io.talentats.email.platform", "password"));
            return cipherText.substring(cipherText.indexOf('}') + 1) + "@" + key;
        }

        @Override
        public boolean isCipherText(Object value) {
            return String.valueOf(value).startsWith("{aesgcm:");
        }

        @Override
        public boolean encryptInConfiguration(String pid, String key) {
            return false;
        }
    }

    private static PlatformBounceMailbox.Config config(Map<String, Object> changes) {
        Map<String, Object> p = new HashMap<>(Map.of("host", "smtp.platform.example", "port", 587, "username",
                "bounces", "password", "{aesgcm:k1}Pw-7Qz", "from.address", "noreply@platform.example",
                "return.path", "bounces@platform.example", "imap.host", "imap.platform.example", "imap.port", 993,
                "imap.security", "SSL_TLS"));
        p.putAll(changes);
        p.values().removeIf(v -> v == null || "".equals(v));
        return Converters.standardConverter().convert(p).to(PlatformBounceMailbox.Config.class);
    }

    @Test
    void theAccountIsMadeAtEachConnectWithThePasswordDecryptedThen() {
        Cipher cipher = new Cipher();
        Optional<Supplier<MailAccount>> account = PlatformBounceMailbox.account(config(Map.of()), cipher);
        assertThat(account).isPresent();
        assertThat(cipher.decrypts).hasValue(0); // nothing decrypted until a connect asks

        MailAccount first = account.get().get();
        assertThat(first.userId()).isEqualTo(MailAccount.PLATFORM_USER_ID);
        assertThat(first.emailAddress()).isEqualTo("bounces@platform.example");
        assertThat(first.username()).isEqualTo("bounces");
        assertThat(first.password().reveal()).isEqualTo("Pw-7Qz@k1");
        assertThat(first.imap().host()).isEqualTo("imap.platform.example");
        assertThat(first.imap().security()).isEqualTo(Security.SSL_TLS);
        assertThat(first.toString()).doesNotContain("Pw-7Qz");

        cipher.key = "k2";
        assertThat(account.get().get().password().reveal()).isEqualTo("Pw-7Qz@k2");
        assertThat(cipher.decrypts).hasValue(2);
    }

    @Test
    void withoutAReturnPathTheBounceMailboxIsTheSendersAddress() {
        MailAccount a = PlatformBounceMailbox.account(config(Map.of("return.path", "")), new Cipher()).orElseThrow()
                .get();
        assertThat(a.emailAddress()).isEqualTo("noreply@platform.example");
    }

    @Test
    void noMailboxWithoutAnImapHostALoginOrAUsablePort() {
        Cipher cipher = new Cipher();
        assertThat(PlatformBounceMailbox.account(config(Map.of("imap.host", "")), cipher)).isEmpty();
        assertThat(PlatformBounceMailbox.account(config(Map.of("username", " ")), cipher)).isEmpty();
        assertThat(PlatformBounceMailbox.account(config(Map.of("host", "")), cipher)).isEmpty();
        assertThat(PlatformBounceMailbox.account(config(Map.of("imap.port", 70000)), cipher)).isEmpty();
        assertThat(PlatformBounceMailbox.account(config(Map.of("from.address", "")), cipher)).isEmpty();
    }
}
