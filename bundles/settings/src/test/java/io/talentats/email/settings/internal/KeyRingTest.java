package io.talentats.email.settings.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.talentats.email.runtime.Announcer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.util.converter.Converters;

class KeyRingTest {

    @TempDir
    Path dir;

    private static ProductConfig config(Map<String, Object> props) {
        return Converters.standardConverter().convert(props).to(ProductConfig.class);
    }

    private KeyRing fileRing(Path keyFile) {
        return keyRing(config(Map.of("key.file", keyFile.toString())), null, null, v -> null);
    }

    @Test
    void encryptsAndDecryptsBoundToItsContext() {
        KeyRing ring = fileRing(dir.resolve("keys"));
        String ct = ring.encrypt("p@ssw0rd", "io.talentats.email.account~jane/password");
        assertThat(ct).startsWith("{aesgcm:" + ring.currentKeyId() + "}").doesNotContain("p@ssw0rd");
        assertThat(ring.isCipherText(ct)).isTrue();
        assertThat(ring.isCipherText("p@ssw0rd")).isFalse();
        assertThat(ring.decrypt(ct, "io.talentats.email.account~jane/password")).isEqualTo("p@ssw0rd");
        assertThat(ring.encrypt("p@ssw0rd", "x")).as("random nonce").isNotEqualTo(ring.encrypt("p@ssw0rd", "x"));
    }

    @Test
    void ciphertextMovedToAnotherPlaceDoesNotDecrypt() {
        KeyRing ring = fileRing(dir.resolve("keys"));
        String ct = ring.encrypt("p@ssw0rd", "io.talentats.email.account~jane/password");
        assertThatThrownBy(() -> ring.decrypt(ct, "io.talentats.email.account~mallory/password"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("altered, copied from another place")
                .hasMessageNotContaining("p@ssw0rd");
    }

    @Test
    void tamperedCiphertextGivesAClearError() {
        KeyRing ring = fileRing(dir.resolve("keys"));
        String ct = ring.encrypt("p@ssw0rd", "ctx");
        byte[] raw = Base64.getDecoder().decode(ct.substring(ct.indexOf('}') + 1));
        raw[raw.length - 1] ^= 1;
        String tampered = ct.substring(0, ct.indexOf('}') + 1) + Base64.getEncoder().encodeToString(raw);
        assertThatThrownBy(() -> ring.decrypt(tampered, "ctx"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("altered");
        assertThatThrownBy(() -> ring.decrypt("{aesgcm:" + ring.currentKeyId() + "}AAAA", "ctx"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("damaged");
    }

    @Test
    void aKeyFromAnotherRingGivesAClearError() {
        String ct = fileRing(dir.resolve("a")).encrypt("p@ssw0rd", "ctx");
        KeyRing other = fileRing(dir.resolve("b"));
        assertThatThrownBy(() -> other.decrypt(ct, "ctx"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not in the key ring")
                .hasMessageContaining(dir.resolve("b").toString());
    }

    @Test
    void theKeyFileIsCreatedOwnerOnlyAndReusedOnRestart() throws Exception {
        Path file = dir.resolve("etc/talentats-email.keys");
        KeyRing first = fileRing(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String ct = first.encrypt("p@ssw0rd", "ctx");
        KeyRing second = fileRing(file);
        assertThat(second.currentKeyId()).isEqualTo(first.currentKeyId());
        assertThat(second.decrypt(ct, "ctx")).isEqualTo("p@ssw0rd");
    }

    @Test
    void aKeyFileReadableByOthersIsRestricted() throws Exception {
        Path file = dir.resolve("keys");
        fileRing(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        fileRing(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void keysFromTheEnvironment() {
        byte[] k1 = new byte[32];
        byte[] k2 = new byte[32];
        k2[0] = 7;
        String env = "new:" + Base64.getEncoder().encodeToString(k2) + ",old:" + Base64.getEncoder().encodeToString(k1);
        Map<String, Object> props = new HashMap<>();
        props.put("key.source", "env");
        KeyRing ring = keyRing(config(props), null, null, v -> env);
        assertThat(ring.currentKeyId()).isEqualTo("new");
        KeyRing oldOnly = keyRing(config(props), null, null, v -> "old:" + Base64.getEncoder().encodeToString(k1));
        String ct = oldOnly.encrypt("p", "ctx");
        assertThat(ring.decrypt(ct, "ctx")).isEqualTo("p");
    }

    @Test
    void badEnvironmentKeysSayWhatToFix() {
        Map<String, Object> props = Map.of("key.source", "env");
        assertThatThrownBy(() -> keyRing(config(props), null, null, v -> null))
                .hasMessageContaining("TALENTATS_EMAIL_KEYS is not set");
        assertThatThrownBy(() -> keyRing(config(props), null, null, v -> "k1:" + Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 random bytes");
        assertThatThrownBy(() -> keyRing(config(props), null, null, v -> "justbase64"))
                .hasMessageContaining("ID:BASE64");
        assertThatThrownBy(() -> keyRing(config(Map.of("key.source", "vault")), null, null, v -> null))
                .hasMessageContaining("'file' or 'env'");
    }

    @Test
    void aDamagedKeyFileSaysWhatIsWrong() throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "key.k1=" + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        assertThatThrownBy(() -> fileRing(file)).hasMessageContaining("names no current key");
        Files.writeString(file, "current=k2\nkey.k1=" + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        assertThatThrownBy(() -> fileRing(file)).hasMessageContaining("holds no key.ID line");
    }

    /** Two nodes sharing one key file, with no configurations of their own. */
    @Test
    void aNodeSharingTheKeyFileFollowsARotationOnAnotherNodeAndNothingBecomesUnreadable() throws Exception {
        Path file = dir.resolve("shared.keys");
        KeyRing a = nodeOn(file);
        KeyRing b = nodeOn(file);
        String first = a.currentKeyId();
        String writtenByABefore = a.encrypt("one", "ctx");

        b.rotate();
        String second = b.currentKeyId();
        assertThat(second).isNotEqualTo(first);
        String writtenByB = b.encrypt("two", "ctx");
        assertThat(a.decrypt(writtenByB, "ctx")).as("a key rotated to elsewhere is read from the file")
                .isEqualTo("two");
        assertThat(a.currentKeyId()).as("and taken up for what is encrypted next").isEqualTo(second);
        assertThat(b.decrypt(writtenByABefore, "ctx")).as("the key current before the rotation is kept")
                .isEqualTo("one");

        b.rotate();
        String keys = Files.readString(file);
        assertThat(keys).as("a key nothing uses is retired by the rotation after next")
                .doesNotContain("key." + first + "=").contains("key." + second + "=")
                .contains("current=" + b.currentKeyId());
        assertThat(a.encrypt("three", "ctx")).as("the rewritten file is noticed before encrypting")
                .startsWith("{aesgcm:" + b.currentKeyId() + "}");
        assertThat(a.decrypt(writtenByABefore, "ctx")).as("keys this node had stay readable here").isEqualTo("one");
    }

    @Test
    void aNodeThatEncryptsNothingTakesUpARotationWhenItFollows() throws Exception {
        Path file = dir.resolve("shared.keys");
        KeyRing idle = nodeOn(file);
        KeyRing rotating = nodeOn(file);
        String first = idle.currentKeyId();
        rotating.rotate();
        idle.follow();
        assertThat(idle.currentKeyId()).isEqualTo(rotating.currentKeyId()).isNotEqualTo(first);
        idle.follow(); // nothing changed since: a stat, nothing more
        assertThat(idle.currentKeyId()).isEqualTo(rotating.currentKeyId());
    }

    /** A node's key ring on a key file it shares, with no configurations of its own. */
    private KeyRing nodeOn(Path file) {
        org.osgi.service.cm.ConfigurationAdmin noConfigurations = (org.osgi.service.cm.ConfigurationAdmin)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {org.osgi.service.cm.ConfigurationAdmin.class}, (proxy, m, args) -> null);
        return new KeyRing(config(Map.of("key.file", file.toString())), noConfigurations, null, v -> null,
                Announcer.to(() -> null));
    }

    private static KeyRing keyRing(ProductConfig config, Object configAdmin, Object context,
            java.util.function.Function<String, String> environment) {
        return new KeyRing(config, null, null, environment, Announcer.to(() -> null));
    }
}
