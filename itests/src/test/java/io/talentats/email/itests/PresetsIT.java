package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.ProviderPreset;
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

    @Configuration
    public Option[] config() {
        return new Option[] {karaf("talentats-email")};
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
