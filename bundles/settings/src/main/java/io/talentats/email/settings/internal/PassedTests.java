package io.talentats.email.settings.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.talentats.email.api.AccountDraft;
import io.talentats.email.api.Verification;
import io.talentats.email.runtime.AccountStates;
import io.talentats.email.runtime.AccountStates.PassedTest;
import io.talentats.email.runtime.SecretCipher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings that passed Test Connection and are not saved yet, for {@code require.verified.save}: a save is allowed
 * within {@link #VALIDITY} of a passed test of exactly those settings. What is kept is a fingerprint of what decides
 * whether a connection works (address, login, servers, password), encrypted under the key ring, never the settings.
 *
 * <p>With the store installed it keeps them in the database, so that the test and the save may reach different
 * nodes; without it (core feature alone, one node) in memory.
 */
final class PassedTests {

    private static final Logger LOG = LoggerFactory.getLogger(PassedTests.class);

    /** How long a passed test allows a save. */
    static final Duration VALIDITY = Duration.ofMinutes(30);

    private final SecretCipher cipher;
    private final Clock clock;
    private final Supplier<AccountStates> states;
    private final Map<String, PassedTest> inMemory = new ConcurrentHashMap<>();

    PassedTests(SecretCipher cipher, Clock clock, Supplier<AccountStates> states) {
        this.cipher = cipher;
        this.clock = clock;
        this.states = states;
    }

    /** Remembers that {@code draft} (its password, or the stored one when it has none) passed. */
    void passed(String userId, AccountDraft draft, Object storedPassword, Verification verification) {
        PassedTest test = new PassedTest(cipher.encrypt(fingerprint(draft, storedPassword), context(userId)),
                verification);
        AccountStates s = states.get();
        if (s != null) {
            s.recordPassedTest(userId, test);
        } else {
            inMemory.put(userId, test);
        }
    }

    /** The passed test of exactly these settings within {@link #VALIDITY}, if there is one. */
    Optional<Verification> of(String userId, AccountDraft draft, Object storedPassword) {
        AccountStates s = states.get();
        Optional<PassedTest> test = s != null ? s.passedTest(userId) : Optional.ofNullable(inMemory.get(userId));
        if (test.isEmpty() || !test.get().verification().at().plus(VALIDITY).isAfter(clock.instant())) {
            return Optional.empty();
        }
        String tested;
        try {
            tested = cipher.decrypt(test.get().sealedFingerprint(), context(userId));
        } catch (RuntimeException e) {
            LOG.info("The passed test of user {} cannot be read any more ({}): test again", userId, e.toString());
            return Optional.empty();
        }
        byte[] now = fingerprint(draft, storedPassword).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(tested.getBytes(StandardCharsets.UTF_8), now)
                ? Optional.of(test.get().verification()) : Optional.empty();
    }

    /** Forgets the user's passed test: the settings were saved, or the account disconnected. */
    void forget(String userId) {
        inMemory.remove(userId);
        AccountStates s = states.get();
        if (s != null) {
            s.forgetPassedTest(userId);
        }
    }

    private static String context(String userId) {
        return SecretCipher.context(AccountKeys.pid(userId), "passed-test");
    }

    /** SHA-256 of what decides whether a connection works; the stored ciphertext stands for a stored password. */
    private static String fingerprint(AccountDraft d, Object storedPassword) {
        String username = d.username() == null || d.username().isEmpty() ? d.emailAddress() : d.username();
        String password = d.password() != null && !d.password().isEmpty()
                ? "plain:" + d.password().reveal() : "stored:" + storedPassword;
        String material = String.join("\u0000", String.valueOf(d.emailAddress()).trim(), String.valueOf(username),
                String.valueOf(d.smtp()), String.valueOf(d.imap()), password);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(material.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
