-- A mailbox read through a provider's API (Microsoft Graph, Gmail API) keeps where it is up to as the API's own
-- cursor (a delta link, a history id) rather than a UID.
ALTER TABLE email_mailbox_checkpoint ADD COLUMN api_cursor VARCHAR(4000);
