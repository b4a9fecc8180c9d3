package io.talentats.email.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.AuthMethod;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.ProviderPreset;
import io.talentats.email.api.Security;
import io.talentats.email.api.SendingLimit;
import io.talentats.email.spi.MailProvider;

import org.junit.jupiter.api.Test;

class PresetRegistryTest {

    private long nextServiceId = 1;

    private Map<String, Object> props(String id, String smtpHost, int ranking, String... domains) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.id", nextServiceId++);
        p.put("service.ranking", ranking);
        p.put("preset.id", id);
        p.put("preset.display.name", id.toUpperCase());
        p.put("preset.domains", domains);
        p.put("preset.smtp.host", smtpHost);
        p.put("preset.smtp.port", 587);
        p.put("preset.smtp.security", "STARTTLS");
        p.put("preset.imap.host", "imap." + id + ".example");
        p.put("preset.sending.limits", new String[] {"30/PT1M", "500/P1D"});
        return p;
    }

    @Test
    void readsAPresetFromServiceProperties() {
        ProviderPreset p = PresetRegistry.toPreset(props("acme", "smtp.acme.example", 0, "acme.example", "ACME.ORG"));
        assertThat(p.smtp().port()).isEqualTo(587);
        assertThat(p.smtp().security()).isEqualTo(Security.STARTTLS);
        assertThat(p.imap().port()).isEqualTo(993);
        assertThat(p.imap().security()).isEqualTo(Security.SSL_TLS);
        assertThat(p.domains()).containsExactly("acme.example", "acme.org");
        assertThat(p.authMethod()).isEqualTo(AuthMethod.PASSWORD);
        assertThat(p.sendingLimits()).containsExactly(new SendingLimit(30, Duration.ofMinutes(1)),
                new SendingLimit(500, Duration.ofDays(1)));
        assertThat(p.serves("Jane@Acme.Org")).isTrue();
        assertThat(p.serves("jane@acme.net")).isFalse();
    }

    @Test
    void anIncompleteOrWrongContributionSaysWhatIsWrong() {
        Map<String, Object> noHost = props("acme", "smtp.acme.example", 0);
        noHost.remove("preset.smtp.host");
        assertThatThrownBy(() -> PresetRegistry.toPreset(noHost)).hasMessageContaining("preset.smtp.host is missing");
        Map<String, Object> badPort = props("acme", "smtp.acme.example", 0);
        badPort.put("preset.smtp.port", 0);
        assertThatThrownBy(() -> PresetRegistry.toPreset(badPort)).hasMessageContaining("between 1 and 65535");
        Map<String, Object> badSecurity = props("acme", "smtp.acme.example", 0);
        badSecurity.put("preset.smtp.security", "TLS");
        assertThatThrownBy(() -> PresetRegistry.toPreset(badSecurity)).hasMessageContaining("SSL_TLS");
        assertThatThrownBy(() -> PresetRegistry.sendingLimit("30 per minute")).hasMessageContaining("30/PT1M");
        assertThatThrownBy(() -> PresetRegistry.toPreset(props("Bad Id", "smtp.acme.example", 0)))
                .hasMessageContaining("lower-case");
    }

    @Test
    void theHighestRankingWinsAndTheNextTakesOver() {
        PresetRegistry registry = new PresetRegistry();
        Map<String, Object> low = props("acme", "low.acme.example", 0, "acme.example");
        Map<String, Object> high = props("acme", "high.acme.example", 10, "acme.example");
        registry.addProvider(new MailProvider() {}, low);
        registry.addProvider(new MailProvider() {}, high);
        assertThat(registry.find("acme").orElseThrow().smtp().host()).isEqualTo("high.acme.example");
        assertThat(registry.list()).hasSize(1);
        registry.removeProvider(null, high);
        assertThat(registry.find("acme").orElseThrow().smtp().host()).isEqualTo("low.acme.example");
        registry.removeProvider(null, low);
        assertThat(registry.find("acme")).isEmpty();
        assertThat(registry.list()).isEmpty();
    }

    @Test
    void equalRankingsGoToTheOlderService() {
        PresetRegistry registry = new PresetRegistry();
        registry.addProvider(new MailProvider() {}, props("acme", "first.acme.example", 0));
        registry.addProvider(new MailProvider() {}, props("acme", "second.acme.example", 0));
        assertThat(registry.find("acme").orElseThrow().smtp().host()).isEqualTo("first.acme.example");
    }

    @Test
    void looksUpByAddressAppliesToADraftAndGivesTheProvidersAdvice() {
        PresetRegistry registry = new PresetRegistry();
        registry.addProvider(new MailProvider() {
            @Override
            public List<String> adviceFor(FailureClass failure) {
                return List.of("use an app password");
            }
        }, props("acme", "smtp.acme.example", 0, "acme.example"));
        assertThat(registry.lookup("jane@acme.example")).map(ProviderPreset::id).contains("acme");
        assertThat(registry.lookup("jane@other.example")).isEmpty();
        assertThat(registry.lookup("not an address")).isEmpty();

        AccountDraft applied = registry.apply("acme",
                AccountDraft.builder().emailAddress("jane@acme.example").displayName("Jane").password("p").build());
        assertThat(applied.smtp().host()).isEqualTo("smtp.acme.example");
        assertThat(applied.imap().host()).isEqualTo("imap.acme.example");
        assertThat(applied.presetId()).isEqualTo("acme");
        assertThat(applied.displayName()).isEqualTo("Jane");
        assertThat(applied.password().reveal()).isEqualTo("p");
        assertThatThrownBy(() -> registry.apply("nope", applied)).hasMessageContaining("No mail provider preset");

        assertThat(registry.adviceFor("acme", FailureClass.AUTHENTICATION_FAILED)).containsExactly("use an app password");
        assertThat(registry.adviceFor("nope", FailureClass.AUTHENTICATION_FAILED)).isEmpty();
    }

    @Test
    void builtInAdviceNamesTheProvidersFix() {
        assertThat(new Gmail().adviceFor(FailureClass.APP_PASSWORD_REQUIRED)).anyMatch(s -> s.contains("App passwords"));
        assertThat(new OutlookCom().adviceFor(FailureClass.BASIC_AUTH_DISABLED)).anyMatch(s -> s.contains("OAuth"));
        assertThat(new Yahoo().adviceFor(FailureClass.AUTHENTICATION_FAILED)).anyMatch(s -> s.contains("app password"));
        assertThat(new Gmail().adviceFor(FailureClass.CONNECTION_REFUSED)).isEmpty();
    }
}
