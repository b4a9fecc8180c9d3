-- Several nodes on one database: every account on every node. The settings service stays ConfigAdmin-backed and
-- records here what it stores (the password already encrypted under the shared key), and each node mirrors these
-- rows into its own ConfigAdmin. One row per account, its newest state; a disconnection stays as a row without
-- settings, so a node that was down when it happened still removes the account when it comes back.
CREATE TABLE email_shared_account (
    user_id      VARCHAR(128)  NOT NULL PRIMARY KEY,
    version      BIGINT        NOT NULL,
    settings     ${text_type},
    updated_at   BIGINT        NOT NULL
);
CREATE INDEX email_shared_account_version ON email_shared_account (version);

-- The one counter the versions come from. Recording a change updates this row first and holds its lock until the
-- change commits, so versions commit in order and a reader that polls "above the highest version seen" misses none.
CREATE TABLE email_shared_account_counter (
    id           INT           NOT NULL PRIMARY KEY,
    version      BIGINT        NOT NULL
);
INSERT INTO email_shared_account_counter (id, version) VALUES (1, 0);
