package io.talentats.email.router.internal;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * The opaque, unguessable token each outbound message carries in its Message-ID
 * ({@code <TOKEN.t@domain>}), so that a reply can be tied to it later even if a client drops References.
 * 26 characters of lower-case base 32: 9 of creation time in milliseconds, then 85 random bits. The time comes
 * first so that tokens and Message-IDs sort by creation: the store's indexes on them grow at their end, as they do
 * for message ids, instead of touching a random page for every message (which made those two indexes most of the
 * cost of storing a message). The time is no secret (the Date header carries it); the random part is what makes
 * the token unguessable.
 */
final class ReplyTokens {

    /** RFC 4648's base 32 letters, lower case and in character order, so that tokens sort as their times do. */
    private static final char[] ALPHABET = "234567abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Characters of time: 45 bits of milliseconds, enough for more than a thousand years. */
    static final int TIME_CHARS = 9;
    static final int LENGTH = 26;

    private ReplyTokens() {}

    static String newToken() {
        return newToken(System.currentTimeMillis());
    }

    static String newToken(long epochMillis) {
        char[] out = new char[LENGTH];
        long t = epochMillis;
        for (int i = TIME_CHARS - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (t & 31)];
            t >>>= 5;
        }
        // 17 characters of 5 random bits each: 85 bits.
        byte[] bytes = new byte[11];
        RANDOM.nextBytes(bytes);
        int buffer = 0;
        int bits = 0;
        int i = TIME_CHARS;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5 && i < LENGTH) {
                out[i++] = ALPHABET[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        return new String(out);
    }

    /** The Message-ID for a message with this token, in the domain of {@code senderAddress}. */
    static String messageId(String token, String senderAddress) {
        int at = senderAddress == null ? -1 : senderAddress.lastIndexOf('@');
        String domain = at < 0 ? "talentats.invalid" : senderAddress.substring(at + 1).toLowerCase(Locale.ROOT);
        return "<" + token + ".t@" + domain + ">";
    }
}
