package io.talentats.email.connectiontest.internal;

import java.util.ArrayList;
import java.util.List;

import io.talentats.email.api.Endpoint;
import io.talentats.email.api.FailureClass;
import io.talentats.email.api.Security;
import io.talentats.email.mail.MailSessions.Protocol;

/**
 * What to tell a recruiter for each failure: the troubleshooting advice of the product guide, made specific with
 * the server, port and protocol that failed. Provider-specific advice (from the preset) goes before it.
 */
final class AdviceBook {

    private AdviceBook() {}

    static List<String> advice(FailureClass failure, Protocol protocol, Endpoint ep, String emailAddress,
            String username, Security suggested) {
        String label = protocol == Protocol.SMTP ? "SMTP" : "IMAP";
        int tlsPort = protocol == Protocol.SMTP ? 465 : 993;
        int startTlsPort = protocol == Protocol.SMTP ? 587 : 143;
        List<String> a = new ArrayList<>();
        switch (failure) {
            case AUTHENTICATION_FAILED -> {
                a.add("Verify your email address (username) is correct: " + username + ".");
                a.add("Confirm your password is typed correctly; passwords are case-sensitive.");
                a.add("For Gmail, use an app-specific password, not your regular password (Yahoo, iCloud, AOL and "
                        + "Fastmail need one too).");
                a.add("Check if your email provider requires additional security settings for mail programs.");
            }
            case APP_PASSWORD_REQUIRED -> {
                a.add("Your provider requires an app-specific password for mail programs: turn on 2-Step "
                        + "Verification, create an app password in your account's security settings and use it "
                        + "here instead of your regular password.");
                a.add("Don't use your regular password; generate a new app-specific password if the old one stopped "
                        + "working.");
            }
            case BASIC_AUTH_DISABLED -> {
                a.add("Your provider has switched password sign-in off for mail programs on this account, so no "
                        + "password will work here.");
                a.add("If this is a work or school account, ask your administrator to allow authenticated SMTP and "
                        + "IMAP for your mailbox.");
            }
            case SMTP_AUTH_DISABLED -> {
                a.add("Your organisation has switched SMTP sign-in off for mail programs (SMTP AUTH), for everyone "
                        + "or for your mailbox: neither a password nor \"Sign in with Microsoft\" can send through "
                        + "SMTP, however they are typed.");
                a.add("Ask your Microsoft 365 administrator to allow authenticated SMTP for your mailbox "
                        + "(Exchange admin center: Mail flow settings of the mailbox, or Set-CASMailbox "
                        + "-SmtpClientAuthenticationDisabled $false).");
            }
            case UNKNOWN_HOST -> {
                a.add("The " + label + " server name '" + ep.host() + "' does not exist: check its spelling, or "
                        + "choose your provider from the list to fill it in.");
                a.add("Contact your email provider if the server address has changed.");
            }
            case CONNECTION_REFUSED -> {
                a.add("Nothing accepts connections on port " + ep.port() + " of " + ep.host() + ": check the "
                        + label + " port number is correct for your provider (" + label + " usually uses "
                        + tlsPort + " with SSL/TLS or " + startTlsPort + " with STARTTLS).");
                a.add("Verify the " + label + " server address is correct.");
            }
            case CONNECT_TIMEOUT -> {
                a.add("Verify the " + label + " server address is correct: " + ep.host() + ".");
                a.add("Check the " + label + " port number is correct for your provider: " + ep.port() + ".");
                a.add("A firewall may be blocking port " + ep.port() + "; try port " + (ep.port() == startTlsPort
                        ? tlsPort + " with SSL/TLS" : startTlsPort + " with STARTTLS") + ", or ask your IT team.");
                a.add("Contact your email provider if the server address has changed.");
            }
            case GREETING_TIMEOUT -> {
                a.add("The " + label + " server accepted the connection but never answered. Check the port and the "
                        + "SSL/TLS setting: " + label + " uses " + tlsPort + " with SSL/TLS or " + startTlsPort
                        + " with STARTTLS.");
                a.add("If the settings are right, the server may be overloaded; try again later.");
            }
            case LOGIN_TIMEOUT -> {
                a.add("The " + label + " server answered and the connection works, but it did not answer the login "
                        + "in time. Servers slow down their answers after failed logins: wait a minute before "
                        + "testing again.");
                a.add("Check the password: repeated wrong passwords make the server slower each time.");
                a.add("If it keeps happening with the right password, the server may be overloaded; try again later.");
            }
            case TLS_MISMATCH -> {
                if (suggested == Security.SSL_TLS) {
                    a.add("Port " + ep.port() + " expects SSL/TLS from the first byte: choose SSL/TLS for this port"
                            + (ep.port() == tlsPort ? "." : ", or use port " + startTlsPort + " with STARTTLS."));
                } else {
                    a.add("Port " + ep.port() + " does not use SSL/TLS from the first byte: choose STARTTLS for "
                            + "this port, or use port " + tlsPort + " with SSL/TLS.");
                }
                if (protocol == Protocol.SMTP) {
                    a.add("SMTP port 587 not working? Try port 465 instead, with SSL/TLS enabled.");
                }
            }
            case STARTTLS_NOT_OFFERED -> a.add("The server on port " + ep.port() + " does not offer STARTTLS, so "
                    + "your password would travel unencrypted: use port " + tlsPort + " with SSL/TLS instead.");
            case CERTIFICATE_UNTRUSTED -> {
                a.add("The server's certificate is not trusted (self-signed, expired or from an unknown authority). "
                        + "Check the server name: you may be connecting to the wrong server.");
                a.add("If this is your company's own mail server, ask your administrator to add its certificate to "
                        + "the trusted certificates of the platform.");
            }
            case HOSTNAME_MISMATCH -> a.add("The server's certificate is not issued for '" + ep.host() + "': use the "
                    + "exact server name your provider gives (for example smtp.gmail.com), not an IP address or "
                    + "another alias.");
            case IMAP_DISABLED -> {
                a.add("Ensure IMAP is enabled on your email account: some email providers require enabling IMAP in "
                        + "their settings.");
                a.add("Check your email account restrictions.");
            }
            case SENDER_REJECTED -> a.add("The server does not let this login send as " + emailAddress + ". Use the "
                    + "address that belongs to the login, or ask your provider to allow sending as this address.");
            case RECIPIENT_REJECTED -> a.add("The server refused to deliver the test message to " + emailAddress
                    + ". Check your email account isn't locked or restricted and has sending permissions.");
            case MESSAGE_NOT_RECEIVED -> {
                a.add("The test message was sent but did not arrive in the inbox in time. Check your spam folder "
                        + "and filters.");
                a.add("Check that the IMAP server belongs to the same mailbox as the SMTP server.");
            }
            case UNKNOWN -> {
                a.add("Double-check all settings are correct, then test again.");
                a.add("If it keeps failing, contact your email provider with the server's reply shown here.");
            }
        }
        return a;
    }
}
