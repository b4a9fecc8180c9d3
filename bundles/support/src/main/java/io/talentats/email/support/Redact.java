package io.talentats.email.support;

import java.util.regex.Pattern;

/**
 * What a log line at INFO or WARN may say of mail: ids, not candidates' addresses. Mail servers' answers and mail
 * exceptions name the recipient ("550 5.1.1 &lt;carl@example.org&gt;: Recipient address rejected"); logged, they
 * go through {@link #addresses}. What the store keeps for the recruiter is not changed.
 */
public final class Redact {

    /** An address as servers write it: local part, "@", a domain with a dot; quoted local parts too. */
    private static final Pattern ADDRESS = Pattern.compile(
            "(\"[^\"\\r\\n]{1,64}\"|[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64})@[\\p{L}\\p{N}-]+(\\.[\\p{L}\\p{N}-]+)+");

    private Redact() {}

    /** {@code text} with every email address replaced by {@code <address>}; {@code null} stays {@code null}. */
    public static String addresses(String text) {
        return text == null ? null : ADDRESS.matcher(text).replaceAll("<address>");
    }
}
