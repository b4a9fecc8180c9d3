-- The way into the mailbox a sign-in was started for (an "auto" OAuth client may offer Microsoft Graph or the Gmail
-- API after the mailbox's SMTP turned out to be off); null: the client's own.
ALTER TABLE email_oauth_flow ADD COLUMN mail_access VARCHAR(40);
