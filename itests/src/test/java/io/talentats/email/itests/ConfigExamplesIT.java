package io.talentats.email.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.inject.Inject;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AccountSettingsService;
import io.talentats.email.api.Connectivity;
import io.talentats.email.api.MessageRouter;
import io.talentats.email.api.ReplyCollector;
import io.talentats.email.api.Security;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * The configuration examples of docs/configuration.md, read from the file itself: every key is one the product knows (its
 * metatype), every value is valid for it, every setting of a configuration is documented, and applying the examples
 * to a running Karaf works.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ConfigExamplesIT extends KarafTestSupport {

    /** Keys the examples leave out on purpose: a secret has no business in an example. */
    private static final Set<String> UNDOCUMENTED = Set.of("password", "client.secret", "token.secret");

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configAdmin;

    @Inject
    MetaTypeService metatype;

    @Inject
    Connectivity connectivity;

    @Inject
    AccountSettingsService settings;

    @Configuration
    public Option[] config() {
        return new Option[] {
            karaf("talentats-email", "talentats-email-sandbox"),
            etcConfig("io.talentats.email.sandbox", "smtp.port", freePort()),
            etcConfig("io.talentats.email.sandbox", "imap.port", freePort()),
            systemProperty("config.examples").value(new File("../docs/configuration.md").getAbsolutePath()),
        };
    }

    /** The ```properties blocks whose first line names a file under etc/: PID → key → value, in order. */
    static Map<String, Map<String, String>> examples() throws Exception {
        List<String> lines = Files.readAllLines(Paths.get(System.getProperty("config.examples")), StandardCharsets.UTF_8);
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).trim().equals("```properties")) {
                continue;
            }
            String first = lines.get(++i).trim();
            assertTrue("a properties block of docs/configuration.md must start with '# etc/PID.cfg', not: " + first,
                    first.matches("# etc/[\\w.-]+\\.cfg"));
            String pid = first.substring("# etc/".length(), first.length() - ".cfg".length());
            Map<String, String> values = new LinkedHashMap<>();
            for (i++; !lines.get(i).trim().equals("```"); i++) {
                String line = lines.get(i);
                int eq = line.indexOf('=');
                assertTrue("not key = value in the example of " + pid + ": " + line, eq > 0);
                values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
            out.put(pid, values);
        }
        return out;
    }

    /** The metatype of {@code pid}, or of its factory PID for a factory configuration's file ({@code FPID-name}). */
    private ObjectClassDefinition ocd(String pid) {
        String factory = pid.contains("-") ? pid.substring(0, pid.indexOf('-')) : null;
        for (Bundle b : context.getBundles()) {
            MetaTypeInformation info = metatype.getMetaTypeInformation(b);
            if (info != null && List.of(info.getPids()).contains(pid)) {
                return info.getObjectClassDefinition(pid, null);
            }
            if (info != null && factory != null && List.of(info.getFactoryPids()).contains(factory)) {
                return info.getObjectClassDefinition(factory, null);
            }
        }
        return null;
    }

    @Test
    public void everyExampleKeyIsKnownValidAndEverySettingIsDocumented() throws Exception {
        Map<String, Map<String, String>> examples = examples();
        assertTrue("configuration examples: " + examples.keySet(), examples.keySet().containsAll(List.of(
                "io.talentats.email", "io.talentats.email.mail", "io.talentats.email.platform", "io.talentats.email.router",
                "io.talentats.email.replies", "io.talentats.email.web", "io.talentats.email.health",
                "io.talentats.email.sandbox",
                "org.ops4j.datasource-talentats-email", "io.talentats.email.oauth.client-google",
                "io.talentats.email.oauth.client-microsoft")));
        for (Map.Entry<String, Map<String, String>> e : examples.entrySet()) {
            String pid = e.getKey();
            if (pid.startsWith("org.ops4j.datasource-")) {
                continue; // pax-jdbc-config has no metatype; checked against the feature below
            }
            ObjectClassDefinition ocd = ocd(pid);
            assertNotNull("no metatype for " + pid + " (configuration example)", ocd);
            Map<String, AttributeDefinition> ads = new LinkedHashMap<>();
            for (AttributeDefinition ad : ocd.getAttributeDefinitions(ObjectClassDefinition.ALL)) {
                ads.put(ad.getID(), ad);
            }
            for (Map.Entry<String, String> kv : e.getValue().entrySet()) {
                AttributeDefinition ad = ads.get(kv.getKey());
                assertNotNull("docs/configuration.md: " + pid + " has no setting " + kv.getKey() + " (known: " + ads.keySet() + ")",
                        ad);
                String problem = ad.validate(kv.getValue());
                assertTrue("docs/configuration.md: " + pid + " " + kv.getKey() + " = " + kv.getValue() + ": " + problem,
                        problem == null || problem.isEmpty());
            }
            Set<String> missing = new HashSet<>(ads.keySet());
            missing.removeAll(e.getValue().keySet());
            missing.removeAll(UNDOCUMENTED);
            assertTrue("docs/configuration.md: settings of " + pid + " not in its example: " + missing, missing.isEmpty());
        }
    }

    @Test
    public void theDataSourceExampleIsWhatTheFeatureInstalls() throws Exception {
        Map<String, String> example = examples().get("org.ops4j.datasource-talentats-email");
        // "-" in a Karaf configuration file name means a factory configuration: factory PID org.ops4j.datasource
        org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations(
                "(&(service.factoryPid=org.ops4j.datasource)(dataSourceName=talentats-email))");
        assertNotNull("the data source configuration of the feature", found);
        Dictionary<String, Object> actual = found[0].getProperties();
        for (Map.Entry<String, String> kv : example.entrySet()) {
            String value = String.valueOf(actual.get(kv.getKey()));
            String resolved = kv.getValue().replace("${karaf.data}", System.getProperty("karaf.data"));
            assertTrue("docs/configuration.md: " + kv.getKey() + " = " + kv.getValue() + ", installed: " + value,
                    value.equals(kv.getValue()) || value.equals(resolved));
        }
    }

    @Test
    public void applyingTheExamplesToARunningKarafWorks() throws Exception {
        Map<String, Map<String, String>> examples = examples();
        List<String> applied = new ArrayList<>();
        for (String pid : List.of("io.talentats.email.router", "io.talentats.email.replies",
                "io.talentats.email.platform", "io.talentats.email.web", "io.talentats.email.health",
                "io.talentats.email",
                "io.talentats.email.mail")) {
            Dictionary<String, Object> p = new Hashtable<>();
            examples.get(pid).forEach(p::put);
            configAdmin.getConfiguration(pid, "?").update(p);
            applied.add(pid);
        }
        await("the router and the collector running with the documented settings", Duration.ofSeconds(30), () -> {
            // Each looked up once: while the update re-registers them, a second lookup may find none
            org.osgi.framework.ServiceReference<MessageRouter> router = context.getServiceReference(MessageRouter.class);
            org.osgi.framework.ServiceReference<ReplyCollector> collector =
                    context.getServiceReference(ReplyCollector.class);
            return router != null && "4".equals(String.valueOf(router.getProperty("workers")))
                    && collector != null && "3".equals(String.valueOf(collector.getProperty("workers")));
        });
        // io.talentats.email: enabled, and unencrypted connections refused again (the sandbox had allowed them)
        await("allow.unencrypted = false in effect", Duration.ofSeconds(30), () -> !settings.validate(null,
                AccountDraft.builder().emailAddress("jane@example.com").password("x")
                        .smtp("smtp.example.com", 25, Security.NONE).imap("imap.example.com", 143, Security.NONE)
                        .build()).isEmpty());
        assertTrue(connectivity.isEnabled());
        assertFalse(settings.validate(null, AccountDraft.builder().emailAddress("jane@example.com").password("x")
                .smtp("smtp.example.com", 25, Security.NONE).imap("imap.example.com", 143, Security.NONE).build())
                .stream().noneMatch(f -> f.field().equals("smtp.security")));
        // The health watch runs with the documented settings
        String pageUrl = examples.get("io.talentats.email.health").get("page.url");
        await("the health watch configured as documented", Duration.ofSeconds(30), () -> {
            try {
                org.osgi.framework.ServiceReference<?>[] refs = context.getServiceReferences((String) null,
                        "(&(service.pid=io.talentats.email.health)(page.url=" + pageUrl + "))");
                return refs != null && refs.length == 1;
            } catch (org.osgi.framework.InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(7, applied.size());
    }
}
