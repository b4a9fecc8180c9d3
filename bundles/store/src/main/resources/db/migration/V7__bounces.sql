-- Addresses that hard-bounced, per recruiter: the router refuses (or warns about) the next message to them until an
-- operator clears the entry. The bounce itself is recorded on the outbound message (status BOUNCED, its timeline).
CREATE TABLE email_suppression (
    user_id      VARCHAR(128)  NOT NULL,
    address      VARCHAR(320)  NOT NULL,
    status_code  VARCHAR(16),
    reason       VARCHAR(2000),
    message_id   VARCHAR(32),
    created_at   BIGINT        NOT NULL,
    PRIMARY KEY (user_id, address)
);
