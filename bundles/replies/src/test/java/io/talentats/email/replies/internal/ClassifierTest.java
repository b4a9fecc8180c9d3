package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture in {@code src/test/resources/classifier} (bounces as Gmail, Exchange Online, Postfix, Exim, qmail,
 * Sendmail and Dovecot LMTP write them, delays, read receipts, auto-replies, out-of-office notices in several
 * languages, list mail, and candidates' replies that only look like such) is classified as {@code expected.txt}
 * says.
 */
class ClassifierTest {

    static final Path DIR = Paths.get("src/test/resources/classifier");
    static final String ORIGINAL = "<abcdefghijklmnopqrstuvwxyz.t@ats.example.com>";

    static Stream<String> fixtures() throws Exception {
        return Files.readAllLines(DIR.resolve("expected.txt"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"));
    }

    @Test
    void theCorpusIsLargeAndEveryFileIsExpected() throws Exception {
        List<String> named = new ArrayList<>();
        fixtures().forEach(l -> named.add(l.substring(0, l.indexOf('=')).trim()));
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(DIR)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".eml"))
                    .forEach(n -> files.add(n.substring(0, n.length() - 4)));
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(30).containsExactlyInAnyOrderElementsOf(named);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void classifies(String line) throws Exception {
        String name = line.substring(0, line.indexOf('=')).trim();
        String[] want = line.substring(line.indexOf('=') + 1).trim().split("\\s+");
        MimeMessage m;
        try (InputStream in = Files.newInputStream(DIR.resolve(name + ".eml"))) {
            m = new MimeMessage(Session.getInstance(new Properties()), in);
        }
        Classifier.Result r = Classifier.classify(m);
        assertThat(r.type()).as(name + " (" + r.why() + ")").isEqualTo(Classifier.Type.valueOf(want[0]));
        if (want.length > 1) {
            assertThat(r.status()).as(name + " status").isEqualTo(want[1]);
            assertThat(r.recipient()).as(name + " recipient").isEqualTo(want[2]);
        }
        if (want.length > 3 && want[3].equals("original")) {
            assertThat(r.originalIds()).as(name + " original").contains(ORIGINAL);
        }
        if (r.type() == Classifier.Type.BOUNCE && want.length > 1 && !name.contains("without")) {
            assertThat(r.diagnostic()).as(name + " diagnostic").isNotBlank();
        }
    }

    /** What a disposition notification says is its disposition's, never "displayed" for all of them (RFC 8098). */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', textBlock = """
        receipt-thunderbird          | displayed
        mdn-manual-deleted-not-read  | deleted without being read
        mdn-automatic-dispatched     | dispatched without being displayed
        mdn-automatic-processed      | processed without being displayed
        """)
    void aReceiptSaysItsDisposition(String name, String said) throws Exception {
        Classifier.Result r = Classifier.classify(load(name));
        assertThat(r.type()).isEqualTo(Classifier.Type.READ_RECEIPT);
        assertThat(r.diagnostic()).isEqualTo(said);
    }

    @Test
    void aSieveRejectIsARefusalWithTheRejectionsWords() throws Exception {
        Classifier.Result r = Classifier.classify(load("mdn-sieve-reject"));
        assertThat(r.diagnostic()).isEqualTo("Your message to <nobody@candidates.example> was automatically rejected: "
                + "This mailbox does not take mail from recruiters.");
    }

    /** Raw UTF-8 in a header (RFC 6532; PHP mail() sends it so) is read as UTF-8, and only when it is UTF-8. */
    @Test
    void rawUtf8HeadersAreReadAsUtf8() throws Exception {
        assertThat(load("reply-raw-utf8-subject").getSubject()).as("as Jakarta Mail reads it")
                .isEqualTo(new String("Re: Entrevista el miércoles".getBytes(StandardCharsets.UTF_8),
                        StandardCharsets.ISO_8859_1));
        assertThat(Utf8Headers.repair(load("reply-raw-utf8-subject").getSubject()))
                .isEqualTo("Re: Entrevista el miércoles");
        assertThat(Utf8Headers.repair("Odpowied\u00c5\u00ba automatyczna")).isEqualTo("Odpowiedź automatyczna");
        // Latin-1 that is no UTF-8, decoded encoded words, plain ASCII and null stay as they are
        assertThat(Utf8Headers.repair("Caf\u00e9 cr\u00e8me")).isEqualTo("Café crème");
        assertThat(Utf8Headers.repair("Odpowied\u017a")).isEqualTo("Odpowiedź");
        assertThat(Utf8Headers.repair("Re: Interview")).isEqualTo("Re: Interview");
        assertThat(Utf8Headers.repair(null)).isNull();
    }

    private static MimeMessage load(String name) throws Exception {
        try (InputStream in = Files.newInputStream(DIR.resolve(name + ".eml"))) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        }
    }
}
