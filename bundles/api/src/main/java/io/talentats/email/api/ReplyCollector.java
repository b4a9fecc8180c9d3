package io.talentats.email.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Collects candidates' replies from each connected recruiter's mailbox over IMAP, records them in the
 * {@link MessageHistory} and announces each one on {@link EmailEvents#REPLY_RECEIVED}. Watchers follow accounts and
 * the connectivity switch on their own; this service reports on them.
 */
@ProviderType
public interface ReplyCollector {

    /** One entry per watched account, ordered by user id. */
    List<WatcherStatus> watchers();

    /**
     * The nodes sharing this node's database, seen in the last day, by id: this one alone on a database of its own.
     * Empty while the database cannot be read.
     */
    List<ClusterNode> nodes();
}
