package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.time.Duration;
import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.MessageHistory;
import io.talentats.email.api.ProviderPresets;
import io.talentats.email.api.Security;
import io.talentats.email.spi.MailProvider;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

/** Provider presets in a real Karaf: the built-in ones, and presets other bundles add and remove at runtime. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PresetsIT extends KarafTestSupport {

    @Inject
    BundleContext context;

    @Inject
    ProviderPresets presets;

    /** The message database's password, kept out of etc/: a secret file the configuration names. */
    private static final String DB_PASSWORD = "db-" + java.util.UUID.randomUUID();

    @Inject
    MessageHistory history;

    @Configuration
    public Option[] config() throws java.io.IOException {
        // As an operator sets it up (docs/operators.md): etc/ names the secret, the secret is a file of its own
        java.nio.file.Path secret = java.nio.file.Files.createTempFile("talentats-db-password", "");
        java.nio.file.Files.writeString(secret, DB_PASSWORD);
        String pid = "org.ops4j.datasource-talentats-email";
        return new Option[] {
            karaf("talentats-email"),
            systemProperty("talentats.test.db.password").value(DB_PASSWORD),
            org.ops4j.pax.exam.karaf.options.KarafDistributionOption.replaceConfigurationFile(
                    "etc/talentats-db-password", secret.toFile()),
            etcConfig(pid, "dataSourceName", "talentats-email"),
            etcConfig(pid, "osgi.jdbc.driver.class", "org.h2.Driver"),
            etcConfig(pid, "url", "jdbc:h2:file:${karaf.data}/talentats-email/secured;DB_CLOSE_ON_EXIT=FALSE"),
            etcConfig(pid, "user", "sa"),
            etcConfig(pid, "password", "$[secret:talentats-db-password]"),
            etcConfig(pid, "pool", "hikari"),
            etcConfig(pid, "xa", "false"),
        };
    }

    @Test
    public void theDatabasePasswordComesFromASecretFileNeverFromEtc() throws Exception {
        String password = System.getProperty("talentats.test.db.password");
        java.nio.file.Path etc = java.nio.file.Paths.get(System.getProperty("karaf.etc"));
        String cfg = java.nio.file.Files.readString(etc.resolve("org.ops4j.datasource-talentats-email.cfg"));
        assertTrue(cfg, cfg.replace("\\:", ":").contains("password=$[secret:talentats-db-password]")
                || cfg.replace("\\:", ":").contains("password = $[secret:talentats-db-password]"));
        assertFalse("no password in etc/", cfg.contains(password));
        // The store runs on the database that password protects
        assertEquals(0, history.forUser("nobody", io.talentats.email.api.PageRequest.first(1)).total());
        String url = "jdbc:h2:file:" + System.getProperty("karaf.data") + "/talentats-email/secured";
        org.h2.jdbcx.JdbcDataSource wrong = new org.h2.jdbcx.JdbcDataSource();
        wrong.setURL(url);
        wrong.setUser("sa");
        wrong.setPassword("not-" + password);
        try (java.sql.Connection c = wrong.getConnection()) {
            fail("another password opened the database");
        } catch (java.sql.SQLException expected) {
            assertEquals("28000", expected.getSQLState());
        }
    }

    @Test
    public void builtInPresetsCarryTheGuidesValues() {
        ProviderPreset gmail = presets.find("gmail").orElseThrow();
        assertEquals("smtp.gmail.com", gmail.smtp().host());
        assertEquals(465, gmail.smtp().port());
        assertEquals(Security.SSL_TLS, gmail.smtp().security());
        assertEquals("imap.gmail.com", gmail.imap().host());
        assertEquals(993, gmail.imap().port());
        assertEquals(AuthMethod.APP_PASSWORD, gmail.authMethod());
        assertTrue(gmail.filesSentMail());

        ProviderPreset outlook = presets.lookup("someone@hotmail.com").orElseThrow();
        assertEquals("smtp-mail.outlook.com", outlook.smtp().host());
        assertEquals(587, outlook.smtp().port());
        assertEquals(Security.STARTTLS, outlook.smtp().security());
        assertEquals("imap-mail.outlook.com", outlook.imap().host());
        assertEquals(AuthMethod.OAUTH2_ONLY, outlook.authMethod());
        assertTrue(outlook.authNotes().contains("OAuth"));

        assertEquals("imap.mail.yahoo.com", presets.lookup("x@ymail.com").orElseThrow().imap().host());
        for (String id : List.of("microsoft365", "icloud", "zoho", "fastmail", "aol", "gmx")) {
            assertTrue(id, presets.find(id).isPresent());
        }
        assertTrue("no preset known", presets.lookup("someone@unknown-provider.example").isEmpty());
        assertFalse(presets.adviceFor("gmail", FailureClass.AUTHENTICATION_FAILED).isEmpty());

        AccountDraft applied = presets.apply("yahoo",
                AccountDraft.builder().emailAddress("jane@yahoo.com").password("app-pass").build());
        assertEquals("smtp.mail.yahoo.com", applied.smtp().host());
        assertEquals("yahoo", applied.presetId());
        assertEquals("jane@yahoo.com", applied.emailAddress());
        assertEquals("app-pass", applied.password().reveal());
    }

    @Test
    public void aPluginBundleAddsAPresetAndTakesItAwayAtRuntime() throws Exception {
        assertTrue(presets.find("example-mail").isEmpty());
        Bundle plugin = context.installBundle("mvn:io.talentats.email/provider-example/" + VERSION);
        try {
            plugin.start();
            await("the example preset appears", Duration.ofSeconds(20),
                    () -> presets.find("example-mail").isPresent());
            ProviderPreset p = presets.lookup("someone@example-mail.test").orElseThrow();
            assertEquals("smtp.example-mail.test", p.smtp().host());
            assertEquals(Security.STARTTLS, p.smtp().security());
            assertEquals(1, p.sendingLimits().size());
            assertEquals(List.of("Example Mail wants an app password: create one at https://example-mail.test/security."),
                    presets.adviceFor("example-mail", FailureClass.AUTHENTICATION_FAILED));

            plugin.stop();
            await("the example preset disappears when stopped", Duration.ofSeconds(20),
                    () -> presets.find("example-mail").isEmpty());
            plugin.start();
            await("and comes back", Duration.ofSeconds(20), () -> presets.find("example-mail").isPresent());
        } finally {
            plugin.uninstall();
        }
        await("the example preset disappears when uninstalled", Duration.ofSeconds(20),
                () -> presets.find("example-mail").isEmpty());
    }

    @Test
    public void theHigherServiceRankingWinsForTheSameId() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("preset.id", "gmail");
        props.put("preset.display.name", "Gmail (corporate relay)");
        props.put("preset.domains", new String[] {"gmail.com"});
        props.put("preset.smtp.host", "relay.corp.example");
        props.put("preset.smtp.port", 587);
        props.put("preset.smtp.security", "STARTTLS");
        props.put("preset.imap.host", "imap.gmail.com");
        props.put(Constants.SERVICE_RANKING, 100);
        ServiceRegistration<MailProvider> reg = context.registerService(MailProvider.class, new MailProvider() {}, props);
        try {
            await("the override wins", Duration.ofSeconds(10),
                    () -> presets.find("gmail").orElseThrow().smtp().host().equals("relay.corp.example"));
            assertEquals(1, presets.list().stream().filter(p -> p.id().equals("gmail")).count());
        } finally {
            reg.unregister();
        }
        await("the built-in preset is back", Duration.ofSeconds(10),
                () -> presets.find("gmail").orElseThrow().smtp().host().equals("smtp.gmail.com"));
    }

    @Test
    public void anIncompleteContributionIsIgnoredNotFatal() {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("preset.id", "broken");
        props.put("preset.display.name", "Broken");
        ServiceRegistration<MailProvider> reg = context.registerService(MailProvider.class, new MailProvider() {}, props);
        try {
            assertTrue(presets.find("broken").isEmpty());
            assertTrue(presets.find("gmail").isPresent());
        } finally {
            reg.unregister();
        }
    }
}
