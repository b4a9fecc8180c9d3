package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuoteStripperTest {

    @Test
    void cutsAtTheLineThatIntroducesTheQuote() {
        assertThat(QuoteStripper.strip("Tuesday works.\n\nOn Mon, 3 Nov 2026 at 10:00, Jane Doe <jane@x.test> wrote:\n"
                + "> Can we meet?\n")).isEqualTo("Tuesday works.");
        assertThat(QuoteStripper.strip("Yes.\r\n\r\n-----Original Message-----\r\nFrom: Jane\r\nSent: Monday\r\n"))
                .isEqualTo("Yes.");
        assertThat(QuoteStripper.strip("Oui.\n\nLe lun. 3 nov. 2026 à 10:00, Jane Doe a écrit :\n> Bonjour"))
                .isEqualTo("Oui.");
        assertThat(QuoteStripper.strip("Ja.\n\nAm Mo., 3. Nov. 2026 um 10:00 Uhr schrieb Jane Doe <j@x.test>:\n> Hallo"))
                .isEqualTo("Ja.");
        assertThat(QuoteStripper.strip("Sure.\n________________________________\nFrom: Jane Doe\nSent: Monday"))
                .isEqualTo("Sure.");
    }

    @Test
    void gmailWrapsTheAttributionOverTwoLines() {
        assertThat(QuoteStripper.strip("Great, thanks!\n\nOn Mon, Nov 3, 2026 at 10:00 AM Jane Doe <jane@example.com>\n"
                + "wrote:\n> Hello")).isEqualTo("Great, thanks!");
    }

    @Test
    void dropsInlineQuotedLinesButKeepsTheAnswersBetweenThem() {
        assertThat(QuoteStripper.strip("> Can you start in May?\nYes.\n> Salary?\nAs discussed.\n"))
                .isEqualTo("Yes.\nAs discussed.");
    }

    @Test
    void readsHtmlWithoutItsBlockquotes() {
        String text = QuoteStripper.htmlToText("<div>Thanks &amp; see you<br>Tuesday</div>"
                + "<blockquote>On Monday Jane wrote: hello</blockquote>");
        assertThat(QuoteStripper.strip(text)).isEqualTo("Thanks & see you\nTuesday");
    }
}
