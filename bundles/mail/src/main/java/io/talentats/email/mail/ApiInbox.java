package io.talentats.email.mail;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.mail.MessagingException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A mailbox's inbox read through a provider's HTTP API rather than IMAP ({@link AccountLogin#inbox()}): what arrived
 * since a cursor the API gave (Graph's delta link, Gmail's history id), and each message's MIME as it arrived, for the
 * same parser and correlator as mail read over IMAP. Read only: nothing is marked, moved or deleted. Failures are
 * {@link MessagingException}s whose cause a {@link ClassifiedFailure} may be, to be classified with
 * {@link AccountLogin#failed}; a refused access token was already handed back once and the call made again.
 */
@ProviderType
public interface ApiInbox {

    /**
     * What arrived.
     *
     * @param added the API's ids of the messages added to the inbox, oldest first
     * @param cursor where the next read starts (keep it as the mailbox's checkpoint once these are recorded)
     * @param resynced whether the cursor given was no longer known and the inbox was read again from the time given
     */
    record Changes(List<String> added, String cursor, boolean resynced) {}

    /**
     * The messages added after {@code cursor}; with none, or one the API no longer knows, those received since
     * {@code from} (the account's connect time, or when the lost cursor was saved), never the whole mailbox.
     */
    Changes changes(String cursor, Instant from) throws MessagingException;

    /** The address the API says the signed-in mailbox has (its profile): the token works and names a mailbox. */
    String profile() throws MessagingException;

    /** One message's MIME, as it arrived. */
    byte[] raw(String id) throws MessagingException;

    /**
     * How long the API asked this mailbox's callers to wait ({@code Retry-After}) from now; zero when they may
     * call. A reader that must not block its thread waits this long before its next call.
     */
    Duration waiting();
}
