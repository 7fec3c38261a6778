-- Indexes for what grows with time, found reading the query plans at Peru scale.

-- The outbox keeps sent rows (their UNIQUE (event_key, chat_id) stops an event from being sent
-- twice), so it grows with every announcement and broadcast. /misdatos and /olvidarme look up
-- one chat's rows, sent ones included: without this they read the whole table. It also serves
-- the per-chat lookups of live rows the partial index served.
DROP INDEX outbox_live_by_chat;
CREATE INDEX outbox_chat ON outbox(chat_id, status);

-- Admins name people by @username (storage.roles); only shared usernames are stored.
CREATE INDEX members_shared_username ON members(lower(username)) WHERE share_contact = 1;
