package io.talentats.email.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;

class JaasLoginsTest {

    private final List<String> realmCalls = new ArrayList<>();
    private final AtomicLong nanos = new AtomicLong();
    private final JaasLogins logins = new JaasLogins((user, password) -> {
        realmCalls.add(user);
        return password.equals("right") ? Optional.of(Set.of("recruiter")) : Optional.empty();
    }, Duration.ofSeconds(60), nanos::get);

    @Test
    void aLoginIsRememberedForItsTimeAndARefusalNever() {
        assertThat(logins.login("rita", "right")).contains(Set.of("recruiter"));
        assertThat(logins.login("rita", "right")).contains(Set.of("recruiter"));
        assertThat(realmCalls).as("the realm asked once for two calls").hasSize(1);

        assertThat(logins.login("rita", "wrong")).isEmpty();
        assertThat(logins.login("rita", "wrong")).isEmpty();
        assertThat(realmCalls).as("a wrong password is asked every time").hasSize(3);

        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(logins.login("rita", "right")).isPresent();
        assertThat(realmCalls).as("asked again after the minute").hasSize(4);
    }

    @Test
    void crossSiteStateChangesAreRecognised() {
        assertThat(EmailWebContext.crossSite(request("https://evil.example", "ats.example.com", null))).isTrue();
        assertThat(EmailWebContext.crossSite(request("https://ats.example.com", "ats.example.com", null))).isFalse();
        assertThat(EmailWebContext.crossSite(request("http://127.0.0.1:8181", "127.0.0.1:8181", null))).isFalse();
        assertThat(EmailWebContext.crossSite(request("http://127.0.0.1:9999", "127.0.0.1:8181", null))).isTrue();
        assertThat(EmailWebContext.crossSite(request("null", "ats.example.com", null))).isTrue();
        assertThat(EmailWebContext.crossSite(request(null, "ats.example.com", "cross-site"))).isTrue();
        assertThat(EmailWebContext.crossSite(request(null, "ats.example.com", "same-origin"))).isFalse();
        assertThat(EmailWebContext.crossSite(request(null, "ats.example.com", null)))
                .as("curl, a host application's server").isFalse();
    }

    private static HttpServletRequest request(String origin, String host, String fetchSite) {
        return (HttpServletRequest) java.lang.reflect.Proxy.newProxyInstance(JaasLoginsTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> m.getName().equals("getHeader")
                        ? switch ((String) a[0]) {
                            case "Origin" -> origin;
                            case "Host" -> host;
                            case "Sec-Fetch-Site" -> fetchSite;
                            default -> null;
                        } : null);
    }
}
