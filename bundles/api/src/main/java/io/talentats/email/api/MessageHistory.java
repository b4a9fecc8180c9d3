package io.talentats.email.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every message sent to a candidate and every reply collected, as the ATS's Messages tab shows them: newest first,
 * in pages.
 */
@ProviderType
public interface MessageHistory {

    Page<MessageRecord> forCandidate(String candidateId, PageRequest page);

    Page<MessageRecord> forThread(String threadId, PageRequest page);

    Page<MessageRecord> forUser(String userId, PageRequest page);

    /** Inbound messages that could belong to more than one thread, left for a person to assign. */
    Page<MessageRecord> triage(PageRequest page);

    Optional<MessageRecord> find(String messageId);

    /** The message's timeline, oldest first. */
    List<MessageEvent> events(String messageId);
}
