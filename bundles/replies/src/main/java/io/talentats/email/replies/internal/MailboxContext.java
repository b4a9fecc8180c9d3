package io.talentats.email.replies.internal;

import java.util.List;
import java.util.function.Function;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

import io.talentats.email.mail.AccountLogin;
import io.talentats.email.mail.MailSessions;
import io.talentats.email.store.ReplyStore;

/**
 * What a watched mailbox needs, fixed when the collector starts: its settings, where it reads and records, and the
 * engine's few shared threads.
 *
 * @param config the collector's settings
 * @param folders the folders to watch
 * @param store checkpoints and recorded replies
 * @param logins the way into a user's mailbox (the platform's bounce mailbox included)
 * @param sessions mail sessions
 * @param workers the threads that read mailboxes (each mailbox in turn on its own serial executor)
 * @param scheduler the one timer: reconnects, polls, refreshes
 * @param recorder where batches are parsed and recorded, never a worker (which waits for them) nor the timer
 * @param idleSelector the one IDLE selector for every mailbox, made again if it dies
 * @param correlator ties messages to the outbound messages they answer
 * @param parser reads a reply's text and attachments
 * @param announce posts the events of what was recorded (replies, bounces)
 */
record MailboxContext(CollectorConfig config, List<String> folders, ReplyStore store,
        Function<String, AccountLogin> logins, MailSessions sessions, ExecutorService workers, ScheduledExecutorService scheduler,
        Executor recorder, IdleSelector idleSelector, ReplyCorrelator correlator, ReplyParser parser,
        Outcomes announce) {}
