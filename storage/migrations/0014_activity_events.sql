-- A change to an activity that its followers have not been told of yet. It is written in the
-- change's own transaction; the outbox then reads the followers and composes their messages
-- outside any write, and in a second, short transaction enqueues them and deletes this row.
-- A row a crash left behind is finished by the next run of the minute job.

CREATE TABLE activity_events (
    event_key   TEXT PRIMARY KEY,
    activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    change      TEXT NOT NULL CHECK (change IN ('created', 'updated', 'cancelled')),
    actor_id    INTEGER,
    created_at  TEXT NOT NULL
);
