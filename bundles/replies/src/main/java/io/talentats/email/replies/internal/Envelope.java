package io.talentats.email.replies.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The headers of a mailbox message that decide whether it is a reply to us.
 *
 * @param uid its IMAP UID
 * @param messageId its Message-ID, or {@code null}
 * @param inReplyTo the ids in In-Reply-To
 * @param references the ids in References, oldest first
 * @param threadingText In-Reply-To and References as written, for a token that survived a rewritten id
 * @param from the sender's address, lower case, or {@code null}
 * @param recipients To, Cc and Delivered-To addresses, lower case
 * @param subject the subject, or {@code null}
 * @param report whether its headers say it may be a delivery report (multipart/report, X-Failed-Recipients, the null
 *     sender, MAILER-DAEMON or postmaster): its body is read to find the message it reports on
 */
record Envelope(long uid, String messageId, List<String> inReplyTo, List<String> references, String threadingText,
        String from, List<String> recipients, String subject, boolean report) {

    private static final Pattern ID = Pattern.compile("<[^<>\\s]+>");
    /** Our Message-ID is {@code <TOKEN.t@domain>}; a relay may keep the token but change what is around it. */
    private static final Pattern TOKEN_IN_ID = Pattern.compile("(?<![a-z2-7])([a-z2-7]{26})\\.t@", Pattern.CASE_INSENSITIVE);
    private static final Pattern TOKEN_IN_ADDRESS = Pattern.compile("\\+tats-([a-z2-7]{26})@", Pattern.CASE_INSENSITIVE);
    private static final Pattern TOKEN_IN_SUBJECT = Pattern.compile("\\[ref:([a-z2-7]{26})\\]", Pattern.CASE_INSENSITIVE);

    /** The ids in a header value such as References, in order. */
    static List<String> ids(String header) {
        List<String> out = new ArrayList<>();
        if (header != null) {
            Matcher m = ID.matcher(header);
            while (m.find()) {
                out.add(m.group());
            }
        }
        return out;
    }

    /** Every reply token this message carries: in its threading headers, a sub-address, or the subject. */
    Set<String> tokens() {
        Set<String> tokens = new LinkedHashSet<>();
        collect(TOKEN_IN_ID, threadingText, tokens);
        for (String r : recipients) {
            collect(TOKEN_IN_ADDRESS, r, tokens);
        }
        collect(TOKEN_IN_SUBJECT, subject, tokens);
        return tokens;
    }

    private static void collect(Pattern p, String text, Set<String> into) {
        if (text != null) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                into.add(m.group(1).toLowerCase(Locale.ROOT));
            }
        }
    }
}
