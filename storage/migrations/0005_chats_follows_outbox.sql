-- Delivery: the chats the bot writes to, what they follow, and the outbox that holds everything
-- the bot sends on its own (notifications, heads-ups, reminders, check-ins, broadcasts).
-- Times are UTC text written by storage.clock.to_db, so text comparison is time comparison.

-- One row per Telegram chat the bot has seen. A private chat has the user's id; groups are
-- negative. Written by storage.chats.Chats (remember on every /start or message, mark_inactive
-- when Telegram says the bot can no longer write there, migrate when a group becomes a
-- supergroup).
CREATE TABLE chats (
    id               INTEGER PRIMARY KEY,
    type             TEXT NOT NULL CHECK (type IN ('private', 'group', 'supergroup', 'channel')),
    title            TEXT,
    -- Groups only: private chats use the member's language.
    language         TEXT CHECK (language IN ('es', 'en')),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- Since when the bot cannot write here (blocked, kicked, deactivated), and Telegram's words.
    blocked_since    TEXT,
    inactive_reason  TEXT,
    -- Set when a group became a supergroup: the new id. Such a chat stays inactive.
    migrated_to      INTEGER,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

-- `python -m bot status` counts inactive chats; a partial index holds only those.
CREATE INDEX chats_inactive ON chats(id) WHERE active = 0;

-- What a chat follows: a school (id as text), a district (6-digit ubigeo) or an organization.
CREATE TABLE follows (
    chat_id     INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('school', 'district', 'organization')),
    target      TEXT NOT NULL,
    mode        TEXT NOT NULL DEFAULT 'instant' CHECK (mode IN ('instant', 'daily')),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (chat_id, kind, target)
);

-- Fan-out: "every chat that follows this school".
CREATE INDEX follows_target ON follows(kind, target);

-- One row per (event, chat). The id is the order of creation, which is the order of sending.
-- chat_id has no foreign key: a member's private chat may get a reminder before it has a row in
-- chats. UNIQUE (event_key, chat_id) makes enqueueing the same event twice a no-op.
CREATE TABLE outbox (
    id            INTEGER PRIMARY KEY,
    event_key     TEXT NOT NULL CHECK (length(event_key) BETWEEN 1 AND 200),
    chat_id       INTEGER NOT NULL,
    text          TEXT NOT NULL,
    -- InlineKeyboardMarkup.to_dict() as JSON.
    reply_markup  TEXT CHECK (reply_markup IS NULL OR json_valid(reply_markup)),
    status        TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'claimed', 'sent', 'failed', 'skipped')),
    -- Send attempts that reached an outcome (a 429 "wait" is not an attempt).
    attempts      INTEGER NOT NULL DEFAULT 0,
    -- Not sent before this time: retry backoff, or the hour of a daily digest.
    not_before    TEXT,
    claimed_at    TEXT,
    sent_at       TEXT,
    -- Telegram's error text for failed and skipped rows (and the last one before a retry).
    error         TEXT,
    created_at    TEXT NOT NULL,
    -- When the status last changed: "sent / failed / skipped in the last hour".
    updated_at    TEXT NOT NULL,
    UNIQUE (event_key, chat_id)
);

-- The worker's claim query walks pending rows in id order and reads only these columns. A
-- partial index holds only pending rows, so it stays small however long the history grows, and
-- no table lookups are needed (it covers the query).
CREATE INDEX outbox_pending ON outbox(id, chat_id, not_before) WHERE status = 'pending';

-- Counts by status (pending, claimed) and by status and time (sent / failed in the last hour);
-- also finds claimed rows to put back after a crash.
CREATE INDEX outbox_status_time ON outbox(status, updated_at);

-- Rows still to send for one chat: skipped when the chat blocks the bot, moved when a group
-- migrates. Partial: only live rows.
CREATE INDEX outbox_live_by_chat ON outbox(chat_id) WHERE status IN ('pending', 'claimed');
