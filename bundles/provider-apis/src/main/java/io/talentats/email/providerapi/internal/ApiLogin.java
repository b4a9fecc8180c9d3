package io.talentats.email.providerapi.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import io.talentats.email.mail.ApiInbox;
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

    /** A provider API's reading verbs: what arrived after a cursor or since a time, one message's MIME. */
    interface Reader {
        /**
         * What arrived after {@code cursor}; a cursor the API no longer knows fails with
         * {@link ApiFailure#resyncNeeded()}.
         */
        ApiInbox.Changes after(String token, MailboxGate gate, String cursor) throws IOException, InterruptedException;

        /** What arrived in the inbox since {@code from}, and the cursor to read on from. */
        ApiInbox.Changes since(String token, MailboxGate gate, Instant from) throws IOException, InterruptedException;

        byte[] raw(String token, MailboxGate gate, String id) throws IOException, InterruptedException;

        /** The signed-in mailbox's address. */
        String profile(String token, MailboxGate gate) throws IOException, InterruptedException;
    }

    /** A call with the bearer token. */
    private interface Call<T> {
        T with(String token) throws IOException, InterruptedException;
    }

    private final ApiFailure.Api api;
    private final Sender sender;
    private final Reader reader;
    private final MailboxGate gate;
    private final MailSessions sessions;
    private String lastReply;

    ApiLogin(String userId, MailAccount fixed, ApiFailure.Api api, Sender sender, Reader reader, MailboxGate gate,
            MailSessions sessions, CredentialVault vault, Supplier<AccountStates> states, Clock clock) {
        super(userId, fixed, vault, states, clock);
        this.api = api;
        this.sender = sender;
        this.reader = reader;
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
        lastReply = call("sending", token -> sender.send(token, gate, mime));
        return lastReply;
    }

    /**
     * Makes a call with the account's current access token; a refused token is handed back once and the call made
     * again at once with a fresh one.
     */
    private <T> T call(String doing, Call<T> call) throws MessagingException {
        MailAccount a = required();
        try {
            return callAs(a, doing, call);
        } catch (ApiFailure f) {
            if (!handedBack(a, f)) {
                throw failure(f);
            }
            try {
                return callAs(required(), doing, call);
            } catch (ApiFailure again) {
                throw failure(again);
            }
        }
    }

    private <T> T callAs(MailAccount a, String doing, Call<T> call) throws ApiFailure, MessagingException {
        if (!a.oauth() || a.password() == null) {
            throw new MessagingException(doing.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + doing.substring(1)
                    + " through " + api.label + " needs a sign-in with the provider, not a password");
        }
        try {
            return call.with(a.password().reveal());
        } catch (ApiFailure f) {
            lastReply = f.getMessage();
            throw f;
        } catch (IOException e) {
            lastReply = null;
            throw new MessagingException(api.label + " could not be reached: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessagingException("interrupted while " + doing + " through " + api.label, e);
        }
    }

    @Override
    public Optional<ApiInbox> inbox() {
        return Optional.of(new ApiInbox() {
            @Override
            public Changes changes(String cursor, Instant from) throws MessagingException {
                if (cursor != null) {
                    try {
                        return call("reading the inbox", token -> reader.after(token, gate, cursor));
                    } catch (MessagingException e) {
                        if (!(e.getCause() instanceof ApiFailure f && f.resyncNeeded())) {
                            throw e;
                        }
                    }
                }
                Changes c = call("reading the inbox", token -> reader.since(token, gate, from));
                return new Changes(c.added(), c.cursor(), cursor != null);
            }

            @Override
            public String profile() throws MessagingException {
                return call("reading the mailbox's profile", token -> reader.profile(token, gate));
            }

            @Override
            public byte[] raw(String id) throws MessagingException {
                return call("reading a message", token -> reader.raw(token, gate, id));
            }

            @Override
            public Duration waiting() {
                return gate.waiting();
            }
        });
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
