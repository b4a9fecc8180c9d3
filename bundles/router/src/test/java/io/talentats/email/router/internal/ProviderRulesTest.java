package io.talentats.email.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.talentats.email.api.SendingLimit;

class ProviderRulesTest {

    @Test
    void oneStringFromACfgFileAndAnArrayFromConfigAdminMeanTheSame() {
        Map<String, List<SendingLimit>> fromCfg = ProviderRules.parseLimits(new String[] {"outlook=30/PT1M,300/P1D,gmail=500/P1D"});
        Map<String, List<SendingLimit>> fromArray = ProviderRules.parseLimits(new String[] {"outlook=30/PT1M,300/P1D", "gmail=500/P1D"});
        assertThat(fromCfg).isEqualTo(fromArray);
        assertThat(fromCfg.get("outlook")).containsExactly(new SendingLimit(30, Duration.ofMinutes(1)),
                new SendingLimit(300, Duration.ofDays(1)));
        assertThat(fromCfg.get("gmail")).containsExactly(new SendingLimit(500, Duration.ofDays(1)));
    }

    @Test
    void aBadEntryIsSkippedAndTheRestKept() {
        Map<String, List<SendingLimit>> limits = ProviderRules.parseLimits(new String[] {"outlook=thirty/PT1M,*=10/PT1H"});
        assertThat(limits).containsOnlyKeys("*");
    }
}
