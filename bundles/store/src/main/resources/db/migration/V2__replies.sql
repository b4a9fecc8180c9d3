-- Reply collection: where each watched folder was read up to, and what lets a reply be tied to the thread it answers.

-- The first recipient of an outbound message, lower case: a reply whose headers were lost can still be tied to a
-- recent thread by its sender.
ALTER TABLE email_message ADD COLUMN primary_recipient VARCHAR(320);
CREATE INDEX ix_email_message_recipient ON email_message (user_id, primary_recipient, created_at);

-- Where the collector has read each watched folder up to. A UIDVALIDITY change means the UIDs were renumbered:
-- the folder is read again and replies already recorded are recognised by their Message-ID.
CREATE TABLE email_mailbox_checkpoint (
    user_id      VARCHAR(128) NOT NULL,
    folder       VARCHAR(200) NOT NULL,
    uid_validity BIGINT       NOT NULL,
    last_uid     BIGINT       NOT NULL,
    updated_at   BIGINT       NOT NULL,
    PRIMARY KEY (user_id, folder)
);
