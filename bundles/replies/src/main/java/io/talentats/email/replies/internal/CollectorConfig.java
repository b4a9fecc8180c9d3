package io.talentats.email.replies.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "talentATS email reply collector",
        description = "How recruiters' mailboxes are watched for candidates' replies.")
public @interface CollectorConfig {

    String PID = "io.talentats.email.replies";

    @AttributeDefinition(name = "Folders", description = "Folders to watch for replies. Sent, Drafts, Trash, Junk "
            + "and All Mail folders are never read for replies, even if named here.")
    String[] folders() default {"INBOX"};

    @AttributeDefinition(name = "Use IMAP IDLE", description = "Be told of new mail at once where the server offers "
            + "IDLE; otherwise, or when off, the mailbox is read every poll interval.")
    boolean idle() default true;

    @AttributeDefinition(name = "Poll interval (s)", min = "1")
    int poll_interval_s() default 60;

    @AttributeDefinition(name = "API poll interval (s)", min = "1", description = "How often a mailbox read through "
            + "a provider's API (Microsoft Graph, Gmail API) is asked what arrived.")
    int api_poll_interval_s() default 30;

    @AttributeDefinition(name = "Refresh (min)", description = "Even with IDLE, read the mailbox again and renew "
            + "the IDLE this often (RFC 2177: servers may end an IDLE after 30 minutes).", min = "1", max = "29")
    int refresh_minutes() default 10;

    @AttributeDefinition(name = "Liveness check (s)", description = "While idling, a NOOP is sent this often: a "
            + "connection that went silent (the peer vanished without closing it) fails within this plus the read "
            + "timeout, and the watcher reconnects.", min = "1")
    int liveness_interval_s() default 120;

    @AttributeDefinition(name = "Workers", description = "Threads that read mailboxes. IDLE uses one more thread "
            + "for all mailboxes, plus one per worker while it ends an IDLE.", min = "1", max = "16")
    int workers() default 3;

    @AttributeDefinition(name = "Longest reconnect wait (s)", min = "1")
    int max_backoff_s() default 300;

    @AttributeDefinition(name = "Retry after refused login (min)", description = "How long to wait before trying "
            + "again a mailbox whose login was refused (the recruiter is told to update the password).", min = "1")
    int auth_retry_minutes() default 15;

    @AttributeDefinition(name = "Largest message (bytes)", description = "A larger message is quarantined instead of "
            + "read.")
    long max_message_bytes() default 25L * 1024 * 1024;

    @AttributeDefinition(name = "Largest kept attachment (bytes)", description = "Larger attachments are recorded "
            + "by name and size only.")
    long max_attachment_bytes() default 5L * 1024 * 1024;

    @AttributeDefinition(name = "Recent thread (days)", description = "A message whose threading headers were lost "
            + "is tied to a thread by its sender if that candidate was written to in these last days.", min = "0")
    int recent_thread_days() default 30;

    @AttributeDefinition(name = "Watch lease (s)", min = "3", description = "With several Karaf nodes on one "
            + "database each mailbox is watched by one node, which holds its lease and renews it every third of "
            + "this; a node that stops or dies has its mailboxes taken over by the others within it.")
    int lease_s() default 60;
}
