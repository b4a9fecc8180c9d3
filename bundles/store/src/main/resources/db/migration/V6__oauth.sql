-- OAuth sign-ins. A grant is runtime state that changes on every refresh (Microsoft rotates the refresh token each
-- time), so it lives here and not in the account's configuration. Tokens are ciphertext under the product key ring
-- ({aesgcm:KEYID}...), bound to the user, never plain text. A refresh locks the grant's row (SELECT ... FOR UPDATE),
-- so one node at a time refreshes an account and the rotated refresh token replaces the old one in one commit.
CREATE TABLE email_oauth_grant (
    user_id           VARCHAR(128)  NOT NULL PRIMARY KEY,
    provider          VARCHAR(64)   NOT NULL,
    refresh_token     VARCHAR(8000),
    access_token      VARCHAR(8000),
    access_expires_at BIGINT,
    access_renew_at   BIGINT,
    version           BIGINT        NOT NULL,
    updated_at        BIGINT        NOT NULL
);

-- A browser sign-in under way: the state parameter, the PKCE verifier (ciphertext) and who started it. Used once
-- (deleted when the callback reads it), expired after ten minutes; any node can complete it.
CREATE TABLE email_oauth_flow (
    state        VARCHAR(128)  NOT NULL PRIMARY KEY,
    user_id      VARCHAR(128)  NOT NULL,
    provider     VARCHAR(64)   NOT NULL,
    preset_id    VARCHAR(64),
    verifier     VARCHAR(1000) NOT NULL,
    nonce        VARCHAR(128)  NOT NULL,
    started_by   VARCHAR(256)  NOT NULL,
    expires_at   BIGINT        NOT NULL
);
CREATE INDEX email_oauth_flow_expiry ON email_oauth_flow (expires_at);
