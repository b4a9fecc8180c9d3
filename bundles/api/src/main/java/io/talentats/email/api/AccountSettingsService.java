package io.talentats.email.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Per-user mailbox settings, stored as one ConfigAdmin factory configuration per user. The password is encrypted
 * before it reaches ConfigAdmin and is never returned by any method. Every change is announced on
 * {@link EmailEvents#ACCOUNT_SAVED} or {@link EmailEvents#ACCOUNT_DISCONNECTED}.
 */
@ProviderType
public interface AccountSettingsService {

    /**
     * The problems with a draft, one per bad field, without saving anything. Empty when the draft can be saved.
     * A draft without a password is judged as if the stored one were kept.
     *
     * @param userId whose account the draft would replace, or {@code null} for a new connection
     */
    List<FieldError> validate(String userId, AccountDraft draft);

    /**
     * Validates and stores the settings of {@code userId}. A draft without a password keeps the stored one; a new
     * account needs one.
     *
     * @return the stored settings, masked
     * @throws InvalidSettingsException with one message per bad field; nothing is stored
     */
    Account save(String userId, AccountDraft draft) throws InvalidSettingsException;

    /** The stored settings of {@code userId}, masked, if the user has connected a mailbox. */
    Optional<Account> get(String userId);

    /**
     * Removes the user's configuration and its secret entirely.
     *
     * @return {@code false} if the user had no account
     */
    boolean disconnect(String userId);

    /** Every connected account, masked, ordered by user id. */
    List<Account> list();
}
