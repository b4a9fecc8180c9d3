-- What using an account taught us (its health and its last connection test) is runtime state: it changes often and
-- belongs beside the messages, not in the account's ConfigAdmin configuration, where every change rewrote a file
-- under etc/ and restarted whatever listens to account configurations. The settings service carries values it
-- finds in existing configurations over into this table once, then removes them from the configuration.
CREATE TABLE email_account_state (
    user_id          VARCHAR(128)  NOT NULL PRIMARY KEY,
    verified_at      BIGINT,
    verified_passed  BOOLEAN,
    verified_summary VARCHAR(1000),
    health_state     VARCHAR(32)   DEFAULT 'HEALTHY' NOT NULL,
    health_reason    VARCHAR(2000),
    health_since     BIGINT,
    updated_at       BIGINT        NOT NULL
);
