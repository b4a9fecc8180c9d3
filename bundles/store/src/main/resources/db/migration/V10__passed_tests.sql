-- A passed Test Connection of settings not saved yet (require.verified.save), so that the save may reach another
-- node than the test. The fingerprint covers the password and is encrypted by the settings service.
CREATE TABLE email_passed_test (
    user_id      VARCHAR(128)  NOT NULL PRIMARY KEY,
    fingerprint  VARCHAR(1000) NOT NULL,
    tested_at    BIGINT        NOT NULL,
    summary      VARCHAR(1000)
);
