-- Several Karaf nodes on one database: each mailbox is watched by one node at a time. A lease row per mailbox
-- (owner, until when, a fencing token that grows on every change of owner), renewed by its owner at a fraction of
-- its length, taken over by another node once it runs out. The checkpoint keeps the token of the lease it was
-- written under, and a write under an older token is refused, so a stalled former owner cannot move it back.
-- Operators read both tables directly if they like: nothing here is hidden in a connection's session state.
CREATE TABLE email_watch_lease (
    mailbox_id   VARCHAR(128)  NOT NULL PRIMARY KEY,
    owner        VARCHAR(128),
    lease_until  BIGINT        NOT NULL,
    fencing      BIGINT        NOT NULL,
    acquired_at  BIGINT        NOT NULL,
    renewed_at   BIGINT        NOT NULL
);

-- The nodes alive: each says so at every lease renewal round; the mailboxes are spread over the ones alive.
CREATE TABLE email_node (
    node_id      VARCHAR(128)  NOT NULL PRIMARY KEY,
    started_at   BIGINT        NOT NULL,
    seen_at      BIGINT        NOT NULL,
    alive_until  BIGINT        NOT NULL
);

ALTER TABLE email_mailbox_checkpoint ADD COLUMN fencing BIGINT;
