-- Activities: what an organization (or a school's own teachers) runs at a school, when, and how
-- it went. Times are UTC text written by storage.clock.to_db ('2026-05-04T15:00:00+00:00'); the
-- GLOB checks pin that one format, because every range query here compares them as text.

CREATE TABLE activities (
    id                INTEGER PRIMARY KEY,
    -- No ON DELETE: a school or organization with a history of activities is not deleted.
    school_id         INTEGER NOT NULL REFERENCES schools(id),
    -- NULL: announced by a teacher for her own school, not by an organization.
    organization_id   INTEGER REFERENCES organizations(id),
    -- Telegram user id; no foreign key, so "forget me" (author_id = NULL) keeps the activity.
    author_id         INTEGER,
    title             TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
    description       TEXT CHECK (length(description) BETWEEN 1 AND 1000),
    category          TEXT NOT NULL CHECK (category IN ('salud', 'lectura', 'docentes', 'deporte',
                          'arte', 'donacion', 'infraestructura', 'otro')),
    starts_at         TEXT NOT NULL CHECK (starts_at GLOB
                          '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]+00:00'),
    ends_at           TEXT NOT NULL CHECK (ends_at GLOB
                          '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]+00:00'),
    status            TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled',
                          'done', 'not_held', 'rescheduled')),
    -- Only known once the author answered the check-in with "Sí".
    participants      INTEGER CHECK (participants >= 0),
    cancel_reason     TEXT,
    -- Set in the same transaction that claims the reminder / check-in: each is sent at most once.
    reminder_sent_at  TEXT,
    checkin_sent_at   TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);

-- A school's history and the organizations present in the last 12 months.
CREATE INDEX activities_school_time ON activities(school_id, starts_at);

-- Upcoming activities at a school and clashes (by school, or by every school of one CODLOCAL
-- through schools_codlocal): only scheduled rows, found by "ends after".
CREATE INDEX activities_school_scheduled ON activities(school_id, ends_at)
    WHERE status = 'scheduled';

-- "My organization's upcoming activities".
CREATE INDEX activities_organization_time ON activities(organization_id, starts_at);

-- "My upcoming activities" for members without organization; privacy export and forget.
CREATE INDEX activities_author_time ON activities(author_id, starts_at);

-- The periodic job's questions. Partial indexes hold only rows still waiting, so they stay tiny
-- however long the history grows.
CREATE INDEX activities_reminder_due ON activities(starts_at)
    WHERE status = 'scheduled' AND reminder_sent_at IS NULL AND author_id IS NOT NULL;

CREATE INDEX activities_checkin_due ON activities(ends_at)
    WHERE status = 'scheduled' AND checkin_sent_at IS NULL AND author_id IS NOT NULL;
