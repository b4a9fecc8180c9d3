package io.talentats.email.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Security;
import io.talentats.email.api.StepResult;
import io.talentats.email.api.TestStep;

class JsonTest {

    @Test
    void aSecretIsNeverWrittenWhateverCarriesIt() {
        AccountDraft draft = AccountDraft.builder().emailAddress("jane@example.com").password("hunter2-secret")
                .smtp("smtp.example.com", 465, Security.SSL_TLS).build();
        String json = Json.GSON.toJson(draft);
        assertThat(json).contains("jane@example.com").doesNotContain("hunter2-secret");
    }

    @Test
    void formInputBecomesADraftAndAnEmptyPasswordKeepsTheStoredOne() {
        Json.AccountInput in = Json.GSON.fromJson("{\"emailAddress\":\"jane@example.com\",\"password\":\"\","
                + "\"smtpHost\":\"smtp.example.com\",\"smtpPort\":587,\"smtpSecurity\":\"STARTTLS\","
                + "\"imapHost\":\"imap.example.com\",\"imapPort\":993,\"imapSecurity\":\"SSL_TLS\"}",
                Json.AccountInput.class);
        AccountDraft d = in.toDraft();
        assertThat(d.password()).isNull();
        assertThat(d.smtp().port()).isEqualTo(587);
        assertThat(d.smtp().security()).isEqualTo(Security.STARTTLS);
        assertThat(d.imap().host()).isEqualTo("imap.example.com");
        assertThat(d.enabled()).isTrue();
    }

    @Test
    void timesAreIsoAndDurationsMilliseconds() {
        StepResult s = new StepResult(TestStep.SMTP, StepResult.Outcome.PASSED, null, "250 OK", "ok", List.of(),
                Duration.ofMillis(1234));
        assertThat(Json.GSON.toJson(s)).contains("\"duration\":1234").doesNotContain("failure");
        assertThat(Json.GSON.toJson(Instant.parse("2026-01-02T03:04:05Z"))).isEqualTo("\"2026-01-02T03:04:05Z\"");
    }
}
