package io.talentats.email.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactTest {

    @Test
    void addressesInServerAnswersAndExceptionsAreReplaced() {
        assertThat(Redact.addresses("550 5.1.1 <carl.smith+jobs@candidates.example.org>: Recipient address "
                + "rejected: User unknown in virtual mailbox table"))
                .isEqualTo("550 5.1.1 <<address>>: Recipient address rejected: User unknown in virtual mailbox table");
        assertThat(Redact.addresses("jakarta.mail.SendFailedException: Invalid Addresses;\n  nested exception is:\n"
                + "\tjakarta.mail.SendFailedException: 550 No such user - müller@beispiel.de, \"a b\"@x.test"))
                .doesNotContain("müller").doesNotContain("beispiel.de").doesNotContain("\"a b\"")
                .contains("550 No such user - <address>, <address>");
        assertThat(Redact.addresses("gave up after 5 attempts: connection refused (5.4.1)"))
                .isEqualTo("gave up after 5 attempts: connection refused (5.4.1)");
        assertThat(Redact.addresses(null)).isNull();
    }
}
