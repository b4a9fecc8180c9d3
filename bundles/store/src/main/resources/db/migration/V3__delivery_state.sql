-- A message is written once; how its delivery goes changes several times. The changing part moves to its own narrow
-- table, email_delivery, which is also the outbox (a message is queued while next_attempt_at is set). Recording a
-- send now rewrites one short row with two indexes instead of the whole message with all of its indexes, and a
-- message and its queue entry can no longer disagree. Entries queued before this migration keep their schedule,
-- lease and attempts.

CREATE TABLE email_delivery (
    message_id        VARCHAR(32)   NOT NULL PRIMARY KEY,
    status            VARCHAR(16)   NOT NULL,
    route             VARCHAR(16),
    route_reason      VARCHAR(500),
    from_header       VARCHAR(1000),
    reply_to_header   VARCHAR(1000),
    attempts          INTEGER       DEFAULT 0 NOT NULL,
    last_server_reply VARCHAR(1000),
    failure_reason    VARCHAR(2000),
    sent_copy         VARCHAR(16)   DEFAULT 'NONE' NOT NULL,
    sent_copy_detail  VARCHAR(1000),
    updated_at        BIGINT        NOT NULL,
    completed_at      BIGINT,
    next_attempt_at   BIGINT,
    lease_owner       VARCHAR(64),
    lease_until       BIGINT,
    CONSTRAINT fk_email_delivery_message FOREIGN KEY (message_id) REFERENCES email_message (id) ON DELETE CASCADE
);

INSERT INTO email_delivery (message_id, status, route, route_reason, from_header, reply_to_header, attempts,
        last_server_reply, failure_reason, sent_copy, sent_copy_detail, updated_at, completed_at, next_attempt_at,
        lease_owner, lease_until)
    SELECT m.id, m.status, m.route, m.route_reason, m.from_header, m.reply_to_header, COALESCE(o.attempts, m.attempts),
        m.last_server_reply, m.failure_reason, m.sent_copy, m.sent_copy_detail, m.updated_at, m.completed_at,
        o.next_attempt_at, o.lease_owner, o.lease_until
    FROM email_message m LEFT JOIN email_outbox o ON o.message_id = m.id;

-- Queries on the queue read this index from 0, so finished messages (NULL) are never visited.
CREATE INDEX ix_email_delivery_due ON email_delivery (next_attempt_at);
-- For the triage list and the operator's failure count.
CREATE INDEX ix_email_delivery_status ON email_delivery (status);

DROP TABLE email_outbox;
DROP INDEX ix_email_message_status;
ALTER TABLE email_message DROP COLUMN status;
ALTER TABLE email_message DROP COLUMN route;
ALTER TABLE email_message DROP COLUMN route_reason;
ALTER TABLE email_message DROP COLUMN from_header;
ALTER TABLE email_message DROP COLUMN reply_to_header;
ALTER TABLE email_message DROP COLUMN attempts;
ALTER TABLE email_message DROP COLUMN last_server_reply;
ALTER TABLE email_message DROP COLUMN failure_reason;
ALTER TABLE email_message DROP COLUMN sent_copy;
ALTER TABLE email_message DROP COLUMN sent_copy_detail;
ALTER TABLE email_message DROP COLUMN updated_at;
ALTER TABLE email_message DROP COLUMN completed_at;
