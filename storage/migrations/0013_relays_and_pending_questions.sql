-- Two features of "No dead ends" (issue 14), in one migration: relayed messages and the
-- pending question of a guided flow.

-- Relayed messages ("Escribir a <organización>"): the bot carries a short message from one
-- person to the author of an activity (or the person behind an organization on /quien), and
-- the answer back, without either learning the other's Telegram account. Times are UTC text
-- written by storage.clock.to_db, so text comparison is time comparison.

CREATE TABLE relay_messages (
    id            INTEGER PRIMARY KEY,
    sender_id     INTEGER NOT NULL,
    recipient_id  INTEGER NOT NULL,
    -- What it is about: the activity whose clash warning or card offered the button (NULL when
    -- the activity is gone or the message came from /quien), and the message it answers.
    activity_id   INTEGER REFERENCES activities(id) ON DELETE SET NULL,
    reply_to      INTEGER REFERENCES relay_messages(id) ON DELETE SET NULL,
    text          TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    sent_at       TEXT NOT NULL,
    CHECK (sender_id <> recipient_id)
);

-- The rate limit counts a sender's messages in the last hours; /misdatos reads both sides.
CREATE INDEX relay_messages_sender ON relay_messages(sender_id, sent_at);
CREATE INDEX relay_messages_recipient ON relay_messages(recipient_id, sent_at);

-- A receiver who no longer wants relays from one person. The sender is not told: their
-- messages are refused with the same words as any undeliverable one.
CREATE TABLE relay_blocks (
    blocker_id  INTEGER NOT NULL,
    blocked_id  INTEGER NOT NULL,
    blocked_at  TEXT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
) WITHOUT ROWID;

-- The last question a guided flow asked in a private chat (its text and buttons), so that a
-- typed answer can be matched to a button and an answer off the script, also after a restart,
-- gets the question again with its buttons instead of "answer the question above" over a
-- screen that may no longer show it. One row per chat; the next question replaces it.
CREATE TABLE pending_questions (
    chat_id       INTEGER PRIMARY KEY,
    flow          TEXT NOT NULL,
    message_id    INTEGER NOT NULL,
    text          TEXT NOT NULL,  -- HTML as sent
    reply_markup  TEXT CHECK (reply_markup IS NULL OR json_valid(reply_markup)),
    asked_at      TEXT NOT NULL
);
