package io.talentats.email.replies.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The new text of a reply without what it quotes: lines starting with {@code >}, and everything from the line that
 * introduces the quoted message ("On ... wrote:", "-----Original Message-----", an Outlook header block, and their
 * French, German and Spanish forms) down.
 */
final class QuoteStripper {

    private static final List<Pattern> QUOTE_STARTS = List.of(
            Pattern.compile("^On\\s.{1,300}\\bwrote:\\s*$", Pattern.CASE_INSENSITIVE),
            Pattern.compile("^Le\\s.{1,300}\\ba écrit\\s?:\\s*$", Pattern.CASE_INSENSITIVE),
            Pattern.compile("^Am\\s.{1,300}\\bschrieb\\s.{0,200}:\\s*$", Pattern.CASE_INSENSITIVE),
            Pattern.compile("^El\\s.{1,300}\\bescribió:\\s*$", Pattern.CASE_INSENSITIVE),
            Pattern.compile("^-{2,}\\s*Original Message\\s*-{2,}\\s*$", Pattern.CASE_INSENSITIVE),
            Pattern.compile("^-{2,}\\s*Forwarded message\\s*-{2,}\\s*$", Pattern.CASE_INSENSITIVE),
            Pattern.compile("^_{10,}\\s*$"),
            Pattern.compile("^(From|Von|De):\\s.+$"));

    private QuoteStripper() {}

    static String strip(String text) {
        if (text == null) {
            return null;
        }
        String[] lines = text.replace("\r\n", "\n").split("\n", -1);
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (startsQuote(line) || (i + 1 < lines.length && startsQuote(line + " " + lines[i + 1].strip())
                    && line.toLowerCase(java.util.Locale.ROOT).startsWith("on "))) {
                break;
            }
            if (line.startsWith(">")) {
                continue;
            }
            kept.add(lines[i].stripTrailing());
        }
        while (!kept.isEmpty() && kept.get(kept.size() - 1).isBlank()) {
            kept.remove(kept.size() - 1);
        }
        return String.join("\n", kept).strip();
    }

    private static boolean startsQuote(String line) {
        for (Pattern p : QUOTE_STARTS) {
            if (p.matcher(line).matches()) {
                return true;
            }
        }
        return false;
    }

    /** Plain text from HTML, good enough to strip quotes from: tags dropped, breaks kept, entities decoded. */
    static String htmlToText(String html) {
        if (html == null) {
            return null;
        }
        String s = html.replaceAll("(?is)<(script|style)[^>]*>.*?</\\1>", "")
                .replaceAll("(?is)<blockquote[^>]*>.*?</blockquote>", "\n")
                .replaceAll("(?i)<br\\s*/?>", "\n")
                .replaceAll("(?i)</(p|div|li|tr|h[1-6])>", "\n")
                .replaceAll("(?s)<[^>]+>", "");
        return s.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
    }
}
