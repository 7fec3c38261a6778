-- Daily-summary followers: each event waits here as one rendered line until the 07:00 digest.

CREATE TABLE digest_entries (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    event_key   TEXT NOT NULL,
    line        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (event_key, chat_id)
);

CREATE INDEX digest_entries_chat ON digest_entries(chat_id, id);
