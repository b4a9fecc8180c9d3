package io.talentats.email.replies.internal;

import io.talentats.email.store.OutboundRef;
import io.talentats.email.store.ReplyStore.Bounce;
import io.talentats.email.store.ReplyStore.Recorded;

/** What reading a mailbox found that others hear of: the engine posts the events. Called on the recorder thread. */
interface Outcomes {

    /** A reply was recorded: a candidate's, or an automatic one ({@code kind AUTO_REPLY}). */
    void recorded(Recorded r);

    /** One of our sent messages bounced or was delayed (its status changed). */
    void bounced(OutboundRef message, Bounce bounce);
}
