-- Activities brought in from coordinators' "3W" spreadsheets (python -m bot import-activities,
-- or a file sent to the bot). Times are UTC text written by storage.clock.to_db.

-- One row per file seen: a preview waiting for "Importar", an import done, or one cancelled.
-- The file itself is not kept: the bot downloads it again by its Telegram file_id on "Importar",
-- so a restart between the preview and the button loses nothing and no blob sits in SQLite.
CREATE TABLE activity_imports (
    id           INTEGER PRIMARY KEY,
    -- Telegram user id; NULL for the operator at the command line, or once the person used
    -- "forget me" (by_operator tells the two apart). No foreign key, like authors.
    importer_id  INTEGER,
    by_operator  INTEGER NOT NULL DEFAULT 0 CHECK (by_operator IN (0, 1)),
    file_name    TEXT NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    -- SHA-256 of the bytes previewed: "Importar" imports exactly the file that was shown.
    file_hash    TEXT NOT NULL CHECK (length(file_hash) = 64),
    -- Telegram's file_id, to download it again on "Importar"; NULL from the command line.
    file_id      TEXT,
    status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'imported', 'cancelled')),
    -- What the import did: {"inserted": n, "updated": n, "unchanged": n, "skipped": n}.
    counts       TEXT CHECK (counts IS NULL OR json_valid(counts)),
    created_at   TEXT NOT NULL,
    finished_at  TEXT,
    -- Set with the followers' summaries, enqueued after the import's own transaction (composed
    -- outside any write, as every message sent on its own; see bot/outbox/import_summary.py).
    notified_at  TEXT
);

CREATE INDEX activity_imports_importer ON activity_imports(importer_id, created_at);

-- Where an imported activity came from, and its row key. An activity has at most one source:
-- the last file that wrote it. The key of a row is organization + school + title + start day:
-- organization and school are read from the activity itself (so merging two organizations
-- keeps the keys valid), title and day are kept here, folded.
CREATE TABLE activity_sources (
    activity_id  INTEGER PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
    import_id    INTEGER NOT NULL REFERENCES activity_imports(id),
    row_number   INTEGER NOT NULL CHECK (row_number >= 1),
    title_key    TEXT NOT NULL,
    start_day    TEXT NOT NULL CHECK (start_day GLOB
                     '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    -- The sheet gave days, not hours: shown as dates, never as a made-up time of day.
    all_day      INTEGER NOT NULL DEFAULT 1 CHECK (all_day IN (0, 1)),
    -- People reached as the sheet says (also for activities not yet done, unlike participants).
    reached      INTEGER CHECK (reached >= 0)
);

-- The row-key lookup: title and day first, then organization and school from activities.
CREATE INDEX activity_sources_key ON activity_sources(title_key, start_day);
CREATE INDEX activity_sources_import ON activity_sources(import_id);
