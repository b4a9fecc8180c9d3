package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.inject.Inject;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.EmailEvents;
import io.talentats.email.api.FieldError;
import io.talentats.email.api.InvalidSettingsException;
import io.talentats.email.api.Security;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.KeyRotation;
import io.talentats.email.runtime.MailAccount;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** The settings service in a real Karaf: storage, validation, masking, encryption at rest, events, the switch. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SettingsIT extends KarafTestSupport {

    @Inject
    BundleContext context;

    @Inject
    AccountSettingsService settings;

    @Inject
    CredentialVault vault;

    @Inject
    KeyRotation rotation;

    @Inject
    Connectivity connectivity;

    @Inject
    ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() {
        return new Option[] {karaf("talentats-email")};
    }

    private static AccountDraft.Builder draft(String address, String password) {
        return AccountDraft.builder()
                .emailAddress(address)
                .password(password)
                .displayName("Jane Doe")
                .smtp("smtp.example.com", 465, Security.SSL_TLS)
                .imap("imap.example.com", 993, Security.SSL_TLS);
    }

    @Test
    public void savesGetsMaskedAndKeepsPasswordWhenNoneGiven() throws Exception {
        String user = "u-" + UUID.randomUUID();
        String password = "pw-" + UUID.randomUUID();
        Account saved = settings.save(user, draft("jane.doe@example.com", password).build());
        assertTrue(saved.passwordSet());
        assertEquals("jane.doe@example.com", saved.username());

        Account got = settings.get(user).orElseThrow();
        assertEquals("smtp.example.com", got.smtp().host());
        assertEquals(Security.SSL_TLS, got.imap().security());
        assertTrue(got.passwordSet());
        assertFalse("masked view shows no secret", got.toString().contains(password));
        assertFalse(got.toString().contains("aesgcm"));

        // Change the port without retyping the password: the stored one is kept.
        settings.save(user, got.toDraft().toBuilder().smtp("smtp.example.com", 587, Security.STARTTLS).build());
        MailAccount open = vault.open(user).orElseThrow();
        assertEquals(password, open.password().reveal());
        assertEquals(587, open.smtp().port());
        assertFalse(open.toString().contains(password));

        assertTrue(settings.list().stream().anyMatch(a -> a.userId().equals(user)));
    }

    @Test
    public void rejectsBadSettingsWithOneMessagePerField() {
        AccountDraft bad = AccountDraft.builder()
                .emailAddress("jane.doe@@example")
                .password("x")
                .smtp("smtp..example.com", 587, Security.SSL_TLS)
                .imap("imap.example.com", 0, Security.SSL_TLS)
                .build();
        try {
            settings.save("u-" + UUID.randomUUID(), bad);
            fail("saved invalid settings");
        } catch (InvalidSettingsException e) {
            Map<String, String> byField = e.errors().stream()
                    .collect(Collectors.toMap(FieldError::field, FieldError::message, (a, b) -> a + " | " + b));
            assertTrue(byField.toString(), byField.get("emailAddress").contains("not"));
            assertTrue(byField.toString(), byField.get("smtp.host").contains("smtp..example.com"));
            assertTrue(byField.toString(), byField.get("smtp.security").contains("587"));
            assertTrue(byField.toString(), byField.get("imap.port").contains("1 and 65535"));
        }
        // A new account needs a password.
        try {
            settings.save("u-" + UUID.randomUUID(), draft("a@example.com", null).build());
            fail("saved without password");
        } catch (InvalidSettingsException e) {
            assertEquals("password", e.errors().get(0).field());
        }
        // Unencrypted connections need the operator's opt-in.
        try {
            settings.save("u-" + UUID.randomUUID(),
                    draft("a@example.com", "x").smtp("smtp.example.com", 25, Security.NONE).build());
            fail("saved unencrypted without opt-in");
        } catch (InvalidSettingsException e) {
            assertEquals("smtp.security", e.errors().get(0).field());
        }
    }

    @Test
    public void passwordIsNowhereOnDiskNorInTheLogAndDisconnectRemovesTheSecret() throws Exception {
        String user = "disk-" + UUID.randomUUID();
        String password = "plain-" + UUID.randomUUID();
        settings.save(user, draft("disk@example.com", password).build());
        vault.open(user).orElseThrow(); // decrypt once, as a sender would

        Path base = Paths.get(System.getProperty("karaf.base"));
        String cipherText = (String) configAdmin.getConfiguration("io.talentats.email.account~" + user, "?")
                .getProperties().get("password");
        assertTrue(cipherText, cipherText.startsWith("{aesgcm:"));
        // Felix writes '=' escaped in .config files: look for the ciphertext without its Base64 padding.
        String stored = cipherText.replaceAll("=+$", "");
        await("the ciphertext persisted under data/", Duration.ofSeconds(10),
                () -> !filesContaining(base.resolve("data"), stored).isEmpty());

        assertEquals(List.of(), filesContaining(base.resolve("etc"), password));
        assertEquals(List.of(), filesContaining(base.resolve("data"), password));

        assertTrue(settings.disconnect(user));
        assertTrue(settings.get(user).isEmpty());
        assertTrue(vault.open(user).isEmpty());
        assertFalse(settings.disconnect(user));
        await("the ciphertext removed from disk", Duration.ofSeconds(10),
                () -> filesContaining(base.resolve("data"), stored).isEmpty()
                        && filesContaining(base.resolve("etc"), stored).isEmpty());
    }

    @Test
    public void rotationReEncryptsEverySecretUnderANewKey() throws Exception {
        String user = "rot-" + UUID.randomUUID();
        String password = "rot-" + UUID.randomUUID();
        settings.save(user, draft("rot@example.com", password).build());
        String pid = "io.talentats.email.account~" + user;
        String before = (String) configAdmin.getConfiguration(pid, "?").getProperties().get("password");

        List<Event> events = collect(EmailEvents.KEY_ROTATED);
        int count = rotation.rotate();
        assertTrue("re-encrypted " + count, count >= 1);

        String after = (String) configAdmin.getConfiguration(pid, "?").getProperties().get("password");
        assertNotEquals(keyId(before), keyId(after));
        assertEquals(password, vault.open(user).orElseThrow().password().reveal());
        await("KEY_ROTATED event", Duration.ofSeconds(10), () -> !events.isEmpty());
        assertEquals(count, events.get(0).getProperty(EmailEvents.COUNT));
    }

    @Test
    public void tamperedCiphertextGivesAClearErrorWithoutTheSecret() throws Exception {
        String user = "tamper-" + UUID.randomUUID();
        settings.save(user, draft("t@example.com", "secret-" + UUID.randomUUID()).build());
        org.osgi.service.cm.Configuration c = configAdmin.getConfiguration("io.talentats.email.account~" + user, "?");
        Dictionary<String, Object> p = c.getProperties();
        String ct = (String) p.get("password");
        char last = ct.charAt(ct.length() - 3);
        p.put("password", ct.substring(0, ct.length() - 3) + (last == 'A' ? 'B' : 'A') + ct.substring(ct.length() - 2));
        c.update(p);
        try {
            vault.open(user);
            fail("decrypted tampered ciphertext");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("altered"));
        }
        // Settings can still be read (masked) and repaired by entering the password again.
        assertTrue(settings.get(user).orElseThrow().passwordSet());
        settings.save(user, draft("t@example.com", "fresh").build());
        assertEquals("fresh", vault.open(user).orElseThrow().password().reveal());
    }

    @Test
    public void changesAreAnnouncedWithIdsOnly() throws Exception {
        List<Event> saved = collect(EmailEvents.ACCOUNT_SAVED);
        List<Event> gone = collect(EmailEvents.ACCOUNT_DISCONNECTED);
        String user = "ev-" + UUID.randomUUID();
        String password = "ev-" + UUID.randomUUID();
        settings.save(user, draft("ev@example.com", password).build());
        settings.disconnect(user);
        await("SAVED event", Duration.ofSeconds(10), () -> saved.stream().anyMatch(e -> user.equals(e.getProperty("user.id"))));
        await("DISCONNECTED event", Duration.ofSeconds(10), () -> gone.stream().anyMatch(e -> user.equals(e.getProperty("user.id"))));
        // It says how the account signs in, so the OAuth bundle need not look the account up (a reference cycle)
        assertEquals("a password account", Boolean.FALSE, saved.stream().filter(e -> user.equals(
                e.getProperty("user.id"))).findFirst().orElseThrow().getProperty(EmailEvents.OAUTH));
        for (Event e : saved) {
            for (String name : e.getPropertyNames()) {
                assertFalse(name, String.valueOf(e.getProperty(name)).contains(password));
            }
        }
    }

    /** Saving settings that fix a failing account ends its incident: the host hears HEALTHY once. */
    @Test
    public void aFailingAccountFixedBySavingAnnouncesItsRecoveryOnce() throws Exception {
        List<Event> health = collect(EmailEvents.ACCOUNT_HEALTH);
        String user = "fix-" + UUID.randomUUID();
        settings.save(user, draft("fix@example.com", "old-password").build());
        ServiceReference<io.talentats.email.runtime.AccountStates> ref =
                context.getServiceReference(io.talentats.email.runtime.AccountStates.class);
        assertNotNull("the store is installed", ref);
        io.talentats.email.runtime.AccountStates states = context.getService(ref);
        states.recordHealth(user, new io.talentats.email.api.AccountHealth(
                io.talentats.email.api.AccountHealth.State.AUTHENTICATION_FAILING, "the SMTP server refused the login",
                java.time.Instant.now()));
        await("the failure announced", Duration.ofSeconds(10), () -> healthEvents(health, user, "AUTHENTICATION_FAILING") == 1);

        settings.save(user, draft("fix@example.com", "new-password").build());
        await("the recovery announced", Duration.ofSeconds(10), () -> healthEvents(health, user, "HEALTHY") == 1);
        assertTrue(settings.get(user).orElseThrow().health().isHealthy());
        // Saving again announces nothing more. Each save posts its health event before its SAVED event from the
        // same thread, and EventAdmin delivers one thread's events in order: once the SAVED events are in, so is
        // any health event of those saves.
        List<Event> saved = collect(EmailEvents.ACCOUNT_SAVED);
        settings.save(user, draft("fix@example.com", "newer-password").build());
        settings.save(user, draft("fix@example.com", null).displayName("Fix").build());
        await("both saves announced", Duration.ofSeconds(10),
                () -> saved.stream().filter(e -> user.equals(e.getProperty(EmailEvents.USER_ID))).count() == 2);
        assertEquals(1, healthEvents(health, user, "HEALTHY"));
        assertEquals(1, healthEvents(health, user, "AUTHENTICATION_FAILING"));
    }

    private static long healthEvents(List<Event> events, String user, String state) {
        return events.stream().filter(e -> user.equals(e.getProperty(EmailEvents.USER_ID))
                && state.equals(e.getProperty(EmailEvents.HEALTH))).count();
    }

    @Test
    public void connectivitySwitchFlipsAndAnnouncesIt() {
        List<Event> changes = collect(EmailEvents.CONNECTIVITY_CHANGED);
        assertTrue(connectivity.isEnabled());
        connectivity.setEnabled(false);
        try {
            await("connectivity off", Duration.ofSeconds(10), () -> !connectivity.isEnabled());
            await("CHANGED event", Duration.ofSeconds(10),
                    () -> changes.stream().anyMatch(e -> Boolean.FALSE.equals(e.getProperty("enabled"))));
        } finally {
            connectivity.setEnabled(true);
        }
        await("connectivity on", Duration.ofSeconds(10), connectivity::isEnabled);
        await("CHANGED event back on", Duration.ofSeconds(10),
                () -> changes.stream().anyMatch(e -> Boolean.TRUE.equals(e.getProperty("enabled"))));
    }

    private List<Event> collect(String topic) {
        List<Event> events = new CopyOnWriteArrayList<>();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, topic);
        context.registerService(EventHandler.class, events::add, props);
        return events;
    }

    private static String keyId(String cipherText) {
        return cipherText.substring("{aesgcm:".length(), cipherText.indexOf('}'));
    }

    /** Files below {@code dir} whose bytes contain {@code needle} (UTF-8). */
    static List<Path> filesContaining(Path dir, String needle) {
        byte[] pattern = needle.getBytes(StandardCharsets.UTF_8);
        List<Path> hits = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                try {
                    if (indexOf(Files.readAllBytes(f), pattern) >= 0) {
                        hits.add(f);
                    }
                } catch (IOException vanished) {
                    // a file deleted while walking (log rotation, cache) cannot hold the secret
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return hits;
    }

    static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Versions before 1.0 wrote health and the last test into the account's configuration. When the store comes
     * up, they move to it and leave the configuration; a health recorded since wins over the old one.
     */
    @Test
    public void healthAndTestsWrittenIntoOldConfigurationsMoveToTheStore() throws Exception {
        String user = "legacy-" + UUID.randomUUID();
        settings.save(user, draft("legacy@example.com", "pw-" + UUID.randomUUID()).build());
        org.osgi.service.cm.Configuration c = configAdmin.listConfigurations(
                "(service.pid=io.talentats.email.account~" + user + ")")[0];
        java.util.Dictionary<String, Object> p = c.getProperties();
        p.put("health.state", "AUTHENTICATION_FAILING");
        p.put("health.reason", "the SMTP server refused the login: 535 5.7.8 Authentication failed");
        p.put("health.since", "2026-11-30T08:00:00Z");
        p.put("verified.at", "2026-11-29T08:00:00Z");
        p.put("verified.passed", "true");
        p.put("verified.summary", "SMTP passed; IMAP passed");
        c.update(p);

        org.osgi.framework.Bundle store = java.util.Arrays.stream(context.getBundles())
                .filter(b -> "io.talentats.email.store".equals(b.getSymbolicName())).findFirst().orElseThrow();
        store.stop();
        store.start();

        await("the old state in the store and gone from the configuration", Duration.ofSeconds(30), () -> {
            Account a = settings.get(user).orElseThrow();
            try {
                java.util.Dictionary<String, Object> now = configAdmin.listConfigurations(
                        "(service.pid=io.talentats.email.account~" + user + ")")[0].getProperties();
                return a.health().state() == io.talentats.email.api.AccountHealth.State.AUTHENTICATION_FAILING
                        && now.get("health.state") == null && now.get("verified.at") == null;
            } catch (Exception e) {
                return false;
            }
        });
        Account a = settings.get(user).orElseThrow();
        assertEquals("the SMTP server refused the login: 535 5.7.8 Authentication failed", a.health().reason());
        assertEquals(java.time.Instant.parse("2026-11-30T08:00:00Z"), a.health().since());
        assertTrue(a.lastVerification().passed());
        assertEquals("SMTP passed; IMAP passed", a.lastVerification().summary());
        assertEquals("the password is untouched", "legacy@example.com", vault.open(user).orElseThrow().emailAddress());
    }
}
