package io.talentats.email.providerapi.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.util.function.Supplier;

import io.talentats.email.mail.MailSessions;
import io.talentats.email.mail.MailSessions.Protocol;
import io.talentats.email.mail.MailboxLogin;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.CredentialVault;
import io.talentats.email.runtime.MailAccount;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;

/**
 * One user's login to a mailbox through a provider's mail API: the account's current OAuth access token as the
 * bearer token, a refused token handed back once and the call made again with a fresh one, failures classified
 * ({@link ApiFailure} is a {@link io.talentats.email.mail.ClassifiedFailure}) and health recorded as for SMTP/IMAP.
 * There is no connection to keep: every call is a request through the mailbox's {@link MailboxGate}.
 */
final class ApiLogin extends MailboxLogin {

    /** A provider API's sending verb. */
    interface Sender {
        /** Sends the MIME bytes; returns the API's answer in words. */
        String send(String token, MailboxGate gate, byte[] mime) throws IOException, InterruptedException;
    }

    private final ApiFailure.Api api;
    private final Sender sender;
    private final MailboxGate gate;
    private final MailSessions sessions;
    private String lastReply;

    ApiLogin(String userId, MailAccount fixed, ApiFailure.Api api, Sender sender, MailboxGate gate,
            MailSessions sessions, CredentialVault vault, Supplier<AccountStates> states, Clock clock) {
        super(userId, fixed, vault, states, clock);
        this.api = api;
        this.sender = sender;
        this.gate = gate;
        this.sessions = sessions;
    }

    @Override
    public String send(MimeMessage message, Address[] recipients) throws MessagingException {
        // The API reads the recipients from the message's own To and Cc headers, which are these.
        byte[] mime = sessions.call(() -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                message.writeTo(out);
            } catch (IOException e) {
                throw new MessagingException("the message cannot be written: " + e.getMessage(), e);
            }
            return out.toByteArray();
        });
        MailAccount a = required();
        try {
            return sendAs(a, mime);
        } catch (ApiFailure f) {
            if (!handedBack(a, f)) {
                throw failure(f);
            }
            try {
                return sendAs(required(), mime);
            } catch (ApiFailure again) {
                throw failure(again);
            }
        }
    }

    private String sendAs(MailAccount a, byte[] mime) throws ApiFailure, MessagingException {
        if (!a.oauth() || a.password() == null) {
            throw new MessagingException("Sending through " + api.label + " needs a sign-in with the provider, "
                    + "not a password");
        }
        try {
            lastReply = sender.send(a.password().reveal(), gate, mime);
            return lastReply;
        } catch (ApiFailure f) {
            lastReply = f.getMessage();
            throw f;
        } catch (IOException e) {
            lastReply = null;
            throw new MessagingException(api.label + " could not be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while sending through " + api.label, e);
        }
    }

    private static MessagingException failure(ApiFailure f) {
        return new MessagingException(f.getMessage(), f);
    }

    @Override
    public String lastServerReply() {
        return lastReply;
    }

    @Override
    public boolean connected() {
        return false; // no connection is held: each call is a request
    }

    @Override
    public <S extends Store> S openStore(StoreFactory<S> stores, boolean forIdle) throws MessagingException {
        throw new MessagingException("This mailbox is read through " + api.label + ", not IMAP");
    }

    @Override
    protected String refusedBy(Protocol protocol) {
        return api.label.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + api.label.substring(1);
    }

    @Override
    public void close() {
        // nothing held
    }
}
