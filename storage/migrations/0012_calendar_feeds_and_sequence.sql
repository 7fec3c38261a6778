-- Data out: calendar feeds people subscribe to, and the edit count calendar clients need.

-- iCalendar's SEQUENCE: how many times an activity was revised. A client that already holds
-- the event replaces its copy only when SEQUENCE grows. Counted by a trigger rather than by each
-- writer, so no writer can forget to: any change to what a calendar or an export shows counts,
-- and so does any write that moves updated_at (what later features change goes through it).
-- Reminder and check-in claims change neither: they are not revisions.
ALTER TABLE activities ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER activities_sequence AFTER UPDATE ON activities
    WHEN NEW.sequence IS OLD.sequence AND (
        NEW.title IS NOT OLD.title OR NEW.description IS NOT OLD.description
        OR NEW.category IS NOT OLD.category OR NEW.starts_at IS NOT OLD.starts_at
        OR NEW.ends_at IS NOT OLD.ends_at OR NEW.status IS NOT OLD.status
        OR NEW.school_id IS NOT OLD.school_id OR NEW.organization_id IS NOT OLD.organization_id
        OR NEW.participants IS NOT OLD.participants OR NEW.repeats_daily IS NOT OLD.repeats_daily
        OR NEW.updated_at IS NOT OLD.updated_at)
BEGIN
    UPDATE activities SET sequence = OLD.sequence + 1 WHERE id = NEW.id;
END;

-- One row per calendar link handed out. The token is the link's only secret (calendar apps
-- cannot log in): 32 random bytes, URL-safe. A person's feed reads her follows when fetched, so
-- following a school later shows up at the next refresh. "Nuevo enlace" and /olvidarme set
-- revoked_at / delete the row; a revoked token answers 404 like one that never existed.
CREATE TABLE calendar_feeds (
    id          INTEGER PRIMARY KEY,
    token       TEXT NOT NULL UNIQUE CHECK (length(token) BETWEEN 32 AND 64),
    owner_id    INTEGER NOT NULL,            -- Telegram user id; no FK: privacy.forget deletes
    kind        TEXT NOT NULL CHECK (kind IN ('follows', 'school', 'organization')),
    -- School id or organization id as text; '' for 'follows'.
    target      TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL CHECK (language IN ('es', 'en')),
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
);

-- "My live link for this feed", and /misdatos. Not unique: when two organizations are merged,
-- a person's links to both go on working, both showing the kept one (the oldest is offered).
CREATE INDEX calendar_feeds_owner ON calendar_feeds(owner_id, kind, target)
    WHERE revoked_at IS NULL;
