package io.talentats.email.providerapi.internal;

import java.util.List;

/**
 * What arrived in a mailbox's inbox since a checkpoint, as the API names it.
 *
 * @param added the provider's ids of the messages added, oldest first where the API says
 * @param checkpoint where the next read starts (Graph: the delta link; Gmail: the history id)
 */
record Changes(List<String> added, String checkpoint) {

    Changes {
        added = List.copyOf(added);
    }
}
