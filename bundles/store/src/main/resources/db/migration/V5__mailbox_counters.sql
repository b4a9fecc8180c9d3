-- What the collector has recorded from each watched folder, kept beside its checkpoint and moved in the same
-- transaction, so that the counters operators see survive restarts and the connectivity switch.
ALTER TABLE email_mailbox_checkpoint ADD COLUMN replies_recorded BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE email_mailbox_checkpoint ADD COLUMN last_reply_at BIGINT;
