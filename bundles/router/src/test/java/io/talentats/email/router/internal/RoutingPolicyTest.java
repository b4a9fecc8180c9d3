package io.talentats.email.router.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.talentats.email.api.Account;
import io.talentats.email.api.AccountHealth;
import io.talentats.email.api.Endpoint;
import io.talentats.email.api.MessageKind;
import io.talentats.email.api.Route;
import io.talentats.email.api.Security;
import io.talentats.email.router.internal.RoutingPolicy.Action;
import io.talentats.email.router.internal.RoutingPolicy.Decision;

import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

    private static Account account(boolean enabled, AccountHealth health) {
        return new Account("u1", "jane@example.com", "jane@example.com", "Jane", new Endpoint("smtp.example.com", 465,
                Security.SSL_TLS), new Endpoint("imap.example.com", 993, Security.SSL_TLS), null, null, enabled, true,
                Instant.EPOCH, null, health);
    }

    @Test
    void systemMailUsesTheRecruitersMailboxWhenItWorksElseThePlatform() {
        Decision own = RoutingPolicy.decide(MessageKind.STAGE_CHANGE, account(true, AccountHealth.healthy()), true, true);
        assertThat(own.action()).isEqualTo(Action.SEND);
        assertThat(own.route()).isEqualTo(Route.USER_SMTP);

        assertThat(RoutingPolicy.decide(MessageKind.INTERVIEW_INVITATION, null, true, true))
                .satisfies(d -> {
                    assertThat(d.route()).isEqualTo(Route.PLATFORM);
                    assertThat(d.reason()).contains("no email account is connected").contains("on the recruiter's behalf");
                });
        assertThat(RoutingPolicy.decide(MessageKind.STAGE_CHANGE, account(false, AccountHealth.healthy()), true, true)
                .reason()).contains("disabled");
        assertThat(RoutingPolicy.decide(MessageKind.STAGE_CHANGE, account(true,
                new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING, "535", Instant.EPOCH)), true, true).route())
                .isEqualTo(Route.PLATFORM);
        assertThat(RoutingPolicy.decide(MessageKind.STAGE_CHANGE, account(true, AccountHealth.healthy()), false, true))
                .satisfies(d -> {
                    assertThat(d.route()).isEqualTo(Route.PLATFORM);
                    assertThat(d.reason()).startsWith("email connectivity is disabled");
                });
        assertThat(RoutingPolicy.decide(MessageKind.STAGE_CHANGE, null, true, false).action()).isEqualTo(Action.WAIT);
    }

    @Test
    void customMailOnlyEverUsesTheRecruitersMailbox() {
        assertThat(RoutingPolicy.decide(MessageKind.CUSTOM, account(true, AccountHealth.healthy()), true, true).route())
                .isEqualTo(Route.USER_SMTP);
        assertThat(RoutingPolicy.decide(MessageKind.CUSTOM, null, true, true).action()).isEqualTo(Action.FAIL);
        assertThat(RoutingPolicy.decide(MessageKind.CUSTOM, account(false, AccountHealth.healthy()), true, true).action())
                .isEqualTo(Action.FAIL);
        assertThat(RoutingPolicy.decide(MessageKind.CUSTOM, account(true, AccountHealth.healthy()), false, true)
                .action()).isEqualTo(Action.HOLD);
        Decision failing = RoutingPolicy.decide(MessageKind.CUSTOM, account(true,
                new AccountHealth(AccountHealth.State.AUTHENTICATION_FAILING, "535 bad", Instant.EPOCH)), true, true);
        assertThat(failing.action()).isEqualTo(Action.FAIL);
        assertThat(failing.reason()).contains("update the password");
        assertThat(RoutingPolicy.decide(MessageKind.CUSTOM, account(true,
                new AccountHealth(AccountHealth.State.UNREACHABLE, "down", Instant.EPOCH)), true, true).action())
                .as("an unreachable server is retried, not refused").isEqualTo(Action.SEND);
    }

    @Test
    void aNoticeAboutTheRecruitersMailboxAlwaysGoesThroughThePlatform() {
        Decision d = RoutingPolicy.decide(MessageKind.ACCOUNT_NOTICE, account(true, AccountHealth.healthy()), true, true);
        assertThat(d.action()).isEqualTo(Action.SEND);
        assertThat(d.route()).as("the recruiter's own server is the one that is failing").isEqualTo(Route.PLATFORM);
        assertThat(RoutingPolicy.decide(MessageKind.ACCOUNT_NOTICE, account(true, AccountHealth.healthy()), false, true)
                .route()).isEqualTo(Route.PLATFORM);
        assertThat(RoutingPolicy.decide(MessageKind.ACCOUNT_NOTICE, null, true, false).action()).isEqualTo(Action.WAIT);
    }
}
