package io.talentats.email.router.internal;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * The opaque, unguessable token each outbound message carries in its Message-ID
 * ({@code <TOKEN.t@domain>}), so that a reply can be tied to it later even if a client drops References.
 * 130 random bits in lower-case base 32: 26 characters.
 */
final class ReplyTokens {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ReplyTokens() {}

    static String newToken() {
        byte[] bytes = new byte[17];
        RANDOM.nextBytes(bytes);
        StringBuilder sb = new StringBuilder(26);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5 && sb.length() < 26) {
                sb.append(ALPHABET[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return sb.toString();
    }

    /** The Message-ID for a message with this token, in the domain of {@code senderAddress}. */
    static String messageId(String token, String senderAddress) {
        int at = senderAddress == null ? -1 : senderAddress.lastIndexOf('@');
        String domain = at < 0 ? "talentats.invalid" : senderAddress.substring(at + 1).toLowerCase(Locale.ROOT);
        return "<" + token + ".t@" + domain + ">";
    }
}
