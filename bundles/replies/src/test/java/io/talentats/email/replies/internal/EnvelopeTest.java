package io.talentats.email.replies.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class EnvelopeTest {

    private static final String TOKEN = "abcdefghijklmnopqrstuvwxyz";

    @Test
    void readsTheIdsOfThreadingHeaders() {
        assertThat(Envelope.ids("<a@x> <b@y>\r\n <c@z>")).containsExactly("<a@x>", "<b@y>", "<c@z>");
        assertThat(Envelope.ids(null)).isEmpty();
    }

    @Test
    void findsOurTokenWhereverItSurvived() {
        Envelope rewrittenDomain = new Envelope(1, "<r@c>", List.of("<" + TOKEN + ".t@relay.example>"), List.of(),
                "<" + TOKEN + ".t@relay.example>", "c@x.test", List.of(), "Re: hi", false);
        assertThat(rewrittenDomain.tokens()).containsExactly(TOKEN);
        Envelope subAddressed = new Envelope(1, "<r@c>", List.of(), List.of(), " ", "c@x.test",
                List.of("jane+tats-" + TOKEN + "@gmail.com"), "Re: hi", false);
        assertThat(subAddressed.tokens()).containsExactly(TOKEN);
        Envelope inSubject = new Envelope(1, "<r@c>", List.of(), List.of(), " ", "c@x.test", List.of(),
                "Re: Interview [ref:" + TOKEN + "]", false);
        assertThat(inSubject.tokens()).containsExactly(TOKEN);
        Envelope none = new Envelope(1, "<r@c>", List.of("<x" + TOKEN + "y@z>"), List.of(), "<x" + TOKEN + "y@z>",
                "c@x.test", List.of(), "Hello", false);
        assertThat(none.tokens()).isEmpty();
    }
}
