package io.talentats.email.settings.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ConfigKeyCheckTest {

    @Test
    void movedKeysAreCarriedOverOnlyWhereTheNewPlaceSaysNothing() {
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("trusted.certificates", "/etc/pki/internal.pem");
        old.put("connect.timeout.ms", "2000");
        old.put("read.timeout.ms", "9000");
        Map<String, Object> mail = Map.of("read.timeout.ms", "15000", "connect.timeout.ms", " ");
        assertThat(ConfigKeyCheck.movedValues(old, mail)).containsOnlyKeys("trusted.certificates", "connect.timeout.ms")
                .containsEntry("trusted.certificates", "/etc/pki/internal.pem");
        assertThat(ConfigKeyCheck.movedValues(old, old)).isEmpty();
    }

    @Test
    void unknownKeysAreThoseNoDefinitionFrameworkOrMoveExplains() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("enabled", "true");
        values.put("enabeld", "false");
        values.put("service.pid", "io.talentats.email");
        values.put("felix.fileinstall.filename", "file:/opt/karaf/etc/io.talentats.email.cfg");
        values.put("org.apache.karaf.features.configKey", "io.talentats.email");
        values.put("trusted.certificates", "/x.pem");
        values.put("allow.unencrypted", "true");
        assertThat(ConfigKeyCheck.unknownKeys(values, Set.of("enabled", "allow.unencrypted"),
                ConfigKeyCheck.MOVED.get(ProductConfig.PID).keySet())).containsExactly("enabeld");
    }
}
