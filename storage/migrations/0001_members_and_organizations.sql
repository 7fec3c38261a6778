-- Foundation: organizations, members (only after consent), conversation states, flow drafts.

CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    -- casefolded, accent-free, punctuation-free form: "Fundación Ayni" and "fundacion  ayni" meet
    name_key    TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('ngo', 'institution')),
    verified    INTEGER NOT NULL DEFAULT 0,
    created_by  INTEGER,
    created_at  TEXT NOT NULL
);

-- A row exists only once the person accepted the privacy notice (consent_at is never NULL).
CREATE TABLE members (
    user_id          INTEGER PRIMARY KEY,
    language         TEXT NOT NULL CHECK (language IN ('es', 'en')),
    name             TEXT,
    role             TEXT CHECK (role IN ('teacher', 'ngo', 'institution')),
    organization_id  INTEGER REFERENCES organizations(id) ON DELETE SET NULL,
    timezone         TEXT,
    consent_at       TEXT NOT NULL,
    consent_version  TEXT NOT NULL,
    registered_at    TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE INDEX members_organization ON members(organization_id);

-- ConversationHandler states (our BasePersistence stores only these).
CREATE TABLE conversation_states (
    name        TEXT NOT NULL,
    key         TEXT NOT NULL,
    state       TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (name, key)
);

-- What a multi-step flow has collected so far, so a restart resumes it with its data.
CREATE TABLE drafts (
    user_id     INTEGER NOT NULL,
    flow        TEXT NOT NULL,
    data        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, flow)
);
