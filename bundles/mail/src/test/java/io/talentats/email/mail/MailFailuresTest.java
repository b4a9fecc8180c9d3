package io.talentats.email.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;

import javax.net.ssl.SSLHandshakeException;

import io.talentats.email.api.FailureClass;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Replies recorded from Gmail, Microsoft, Yahoo and others, and the exception chains Angus Mail throws. */
class MailFailuresTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        gmail smtp bad password     | 535-5.7.8 Username and Password not accepted. For more information, go to\\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials d9443c01a7336-2ab2 | AUTHENTICATION_FAILED
        gmail smtp app password     | 534-5.7.9 Application-specific password required. For more information, go to\\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor 98e67ed59e1d1-2e8 | APP_PASSWORD_REQUIRED
        gmail imap bad password     | [AUTHENTICATIONFAILED] Invalid credentials (Failure) | AUTHENTICATION_FAILED
        gmail imap app password     | [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure) | APP_PASSWORD_REQUIRED
        gmail imap web login        | [ALERT] Please log in via your web browser: https://support.google.com/mail/accounts/answer/78754 (Failure) | APP_PASSWORD_REQUIRED
        gmail imap disabled         | [ALERT] Your account is not enabled for IMAP use. Please visit your Gmail settings page and enable your account for IMAP access. (Failure) | IMAP_DISABLED
        outlook.com basic disabled  | 535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN9PR03CA0456.namprd03.prod.outlook.com 2024-10-01T10:00:00.000Z 08DCE1F0] | BASIC_AUTH_DISABLED
        m365 tenant smtp auth off   | 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [SN7P220CA0013.NAMP220.PROD.OUTLOOK.COM] | SMTP_AUTH_DISABLED
        m365 mailbox smtp auth off  | 535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information. [AM0PR02CA0123.eurprd02.prod.outlook.com] | SMTP_AUTH_DISABLED
        m365 security defaults      | 535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator. [DB8PR04CA0012.eurprd04.prod.outlook.com] | BASIC_AUTH_DISABLED
        m365 client submission      | 5.7.30 Basic authentication is not supported for Client Submission. | BASIC_AUTH_DISABLED
        m365 bad password           | 535 5.7.3 Authentication unsuccessful [SN4PR0501CA0056.namprd05.prod.outlook.com] | AUTHENTICATION_FAILED
        m365 imap                   | AUTHENTICATE failed. | AUTHENTICATION_FAILED
        m365 imap not enabled       | User is authenticated but not connected. | IMAP_DISABLED
        yahoo smtp                  | 535 5.7.0 (#AUTH005) Too many bad auth attempts. | AUTHENTICATION_FAILED
        yahoo imap                  | [AUTHENTICATIONFAILED] LOGIN Invalid credentials | AUTHENTICATION_FAILED
        zoho imap disabled          | You are yet to enable IMAP for your account. Please contact your administrator (Failure) | IMAP_DISABLED
        icloud smtp                 | 535 5.7.8 Error: authentication failed: bad user name or password | AUTHENTICATION_FAILED
        """)
    void classifiesRecordedReplies(String provider, String reply, FailureClass expected) {
        String text = reply.replace("\\n", "\n");
        assertThat(MailFailures.classifyReply(text)).as(provider).isEqualTo(expected);
        Diagnosis d = MailFailures.classify(new AuthenticationFailedException(text), null);
        assertThat(d.failure()).as(provider).isEqualTo(expected);
        assertThat(d.serverReply()).isEqualTo(text.trim());
    }

    @Test
    void anSmtpReplyPassedByTheCallerWins() {
        Diagnosis d = MailFailures.classify(new AuthenticationFailedException(""),
                "535 5.7.8 Username and Password not accepted.");
        assertThat(d.failure()).isEqualTo(FailureClass.AUTHENTICATION_FAILED);
        assertThat(d.serverReply()).startsWith("535 5.7.8");
    }

    @Test
    void networkFailures() {
        assertThat(classify(new MessagingException("Unknown SMTP host: nope.invalid",
                new UnknownHostException("nope.invalid")))).isEqualTo(FailureClass.UNKNOWN_HOST);
        assertThat(classify(new MessagingException("Couldn't connect to host, port: localhost, 1; timeout 5000",
                new ConnectException("Connection refused")))).isEqualTo(FailureClass.CONNECTION_REFUSED);
        assertThat(classify(new MessagingException("Couldn't connect to host",
                new SocketTimeoutException("Connect timed out")))).isEqualTo(FailureClass.CONNECT_TIMEOUT);
        assertThat(classify(new MessagingException("Could not connect to SMTP host: localhost, port: 465",
                new SocketTimeoutException("Read timed out")))).isEqualTo(FailureClass.GREETING_TIMEOUT);
    }

    @Test
    void tlsFailures() {
        assertThat(classify(new MessagingException("Could not connect to SMTP host",
                new javax.net.ssl.SSLException("Unsupported or unrecognized SSL message"))))
                .isEqualTo(FailureClass.TLS_MISMATCH);
        assertThat(classify(new MessagingException("Could not connect to SMTP host",
                new SSLHandshakeException("PKIX path building failed: sun.security.provider.certpath."
                        + "SunCertPathBuilderException: unable to find valid certification path to requested target"))))
                .isEqualTo(FailureClass.CERTIFICATE_UNTRUSTED);
        assertThat(classify(new MessagingException("Could not connect to SMTP host",
                new SSLHandshakeException("PKIX path validation failed: java.security.cert.CertPathValidatorException: "
                        + "Signature does not match.")))).as("a self-signed certificate named like a trusted one")
                .isEqualTo(FailureClass.CERTIFICATE_UNTRUSTED);
        SSLHandshakeException noSan = new SSLHandshakeException("No subject alternative names matching IP address "
                + "127.0.0.1 found");
        noSan.initCause(new CertificateException("No subject alternative names matching IP address 127.0.0.1 found"));
        assertThat(classify(new MessagingException("Could not connect", noSan))).isEqualTo(FailureClass.HOSTNAME_MISMATCH);
        assertThat(classify(new MessagingException("STARTTLS is required but host does not support STARTTLS")))
                .isEqualTo(FailureClass.STARTTLS_NOT_OFFERED);
        assertThat(classify(new MessagingException("STARTTLS required but not supported by server")))
                .isEqualTo(FailureClass.STARTTLS_NOT_OFFERED);
        Diagnosis cut = MailFailures.classify(new MessagingException("x",
                new SSLHandshakeException("Remote host terminated the handshake")), null);
        assertThat(MailFailures.mayBeTlsMixUp(cut)).isTrue();
    }

    @Test
    void anythingElseIsUnknownWithTheRawText() {
        Diagnosis d = MailFailures.classify(new MessagingException("Something odd",
                new IOException("the raw text")), null);
        assertThat(d.failure()).isEqualTo(FailureClass.UNKNOWN);
        assertThat(d.detail()).isEqualTo("the raw text");
    }

    private static FailureClass classify(Exception e) {
        return MailFailures.classify(e, null).failure();
    }
}
