package io.talentats.email.replies.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Header text sent as raw 8-bit bytes (no RFC 2047 encoding), as PHP's {@code mail()}, simple autoresponders and some
 * webmails send it: Jakarta Mail reads each byte as one Latin-1 character, so UTF-8 arrives as mojibake
 * ("automÃ¡tica"). RFC 6532 makes UTF-8 the meaning of such bytes: text whose characters are all bytes and which is
 * valid UTF-8 is read as UTF-8; anything else (real Latin-1, encoded words already decoded) is left as it is.
 */
final class Utf8Headers {

    private Utf8Headers() {}

    /** The header text with raw UTF-8 bytes decoded; {@code null} stays {@code null}. */
    static String repair(String text) {
        if (text == null) {
            return null;
        }
        boolean high = false;
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c > 0xFF) {
                return text; // already decoded text: not bytes read one by one
            }
            high |= c >= 0x80;
            bytes[i] = (byte) c;
        }
        if (!high) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return text; // Latin-1 (or another 8-bit charset) after all
        }
    }
}
