-- Coordinators and admins, the audit log, bans and broadcasts (/difundir).
-- Times are UTC text written by storage.clock.to_db, so text comparison is time comparison.

-- Granted roles. Everyone is a member without a row here; ADMIN_IDS are admins without a row
-- too (storage.roles.Roles.permissions adds them). A coordinator's scope is a place (an ubigeo
-- prefix: 2 digits region, 4 province, 6 district) or one organization, or neither (everywhere).
CREATE TABLE roles (
    id                     INTEGER PRIMARY KEY,
    user_id                INTEGER NOT NULL,
    role                   TEXT NOT NULL CHECK (role IN ('coordinator', 'admin')),
    scope_ubigeo           TEXT CHECK (scope_ubigeo IS NULL OR (length(scope_ubigeo) IN (2, 4, 6)
                               AND scope_ubigeo NOT GLOB '*[^0-9]*')),
    scope_organization_id  INTEGER REFERENCES organizations(id),
    -- Telegram id of the admin who granted it; NULL: the operator at the command line.
    granted_by             INTEGER,
    granted_at             TEXT NOT NULL,
    CHECK (scope_ubigeo IS NULL OR scope_organization_id IS NULL),
    CHECK (role = 'coordinator' OR (scope_ubigeo IS NULL AND scope_organization_id IS NULL))
);

-- One row per (person, role, scope); NULL scopes compare equal here, unlike in a plain UNIQUE.
-- Also the index of "what may this person do", read on every privileged command.
CREATE UNIQUE INDEX roles_unique_scope ON roles(
    user_id, role, COALESCE(scope_ubigeo, ''), COALESCE(scope_organization_id, 0)
);

-- Organization merges move scopes from the dropped organization to the kept one.
CREATE INDEX roles_organization ON roles(scope_organization_id)
    WHERE scope_organization_id IS NOT NULL;

-- Who did what, when: grants, revocations, verifications, bans, broadcasts, merges. Append-only.
-- actor_id NULL: the operator at the command line. details: JSON object of the particulars.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor_id  INTEGER,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    details   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(details))
);

-- People the bot ignores. Looked up by primary key on every update.
CREATE TABLE bans (
    user_id    INTEGER PRIMARY KEY,
    banned_by  INTEGER,  -- NULL: the operator at the command line
    banned_at  TEXT NOT NULL,
    reason     TEXT
);

-- A message from a coordinator or admin to an audience. Its copies are outbox rows with
-- event_key 'broadcast:<id>' (enqueued in the transaction that inserts this row), so the live
-- counts of delivered / blocked / failed come from the outbox and nothing is stored twice.
CREATE TABLE broadcasts (
    id               INTEGER PRIMARY KEY,
    -- No foreign key, like activities.author_id: the person may be forgotten, the record stays.
    author_id        INTEGER,
    -- The author's organization when sent (shown as the sender).
    organization_id  INTEGER REFERENCES organizations(id),
    audience_kind    TEXT NOT NULL CHECK (audience_kind IN ('school', 'district', 'province',
                         'region', 'organization', 'everyone')),
    -- School id, ubigeo prefix (6/4/2 digits), organization id, or '' for everyone.
    audience_target  TEXT NOT NULL,
    text             TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 3500),
    with_ack         INTEGER NOT NULL DEFAULT 0 CHECK (with_ack IN (0, 1)),
    status           TEXT NOT NULL DEFAULT 'sending'
                         CHECK (status IN ('sending', 'done', 'cancelled')),
    -- Chats the copies were enqueued for.
    recipients       INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    -- Set in the transaction that claims the author's final report: it is sent once.
    reported_at      TEXT
);

-- /difusiones of one author, and "broadcasts per coordinator per hour".
CREATE INDEX broadcasts_author_time ON broadcasts(author_id, created_at);

-- The cap on 'everyone' broadcasts: a partial index holds only those.
CREATE INDEX broadcasts_everyone_time ON broadcasts(created_at) WHERE audience_kind = 'everyone';

-- The report job's question "which broadcasts still sending have settled?". Partial: only
-- broadcasts still sending, so it stays tiny however long the history grows.
CREATE INDEX broadcasts_sending ON broadcasts(id) WHERE status = 'sending';

-- Organization merges move broadcasts to the kept organization.
CREATE INDEX broadcasts_organization ON broadcasts(organization_id)
    WHERE organization_id IS NOT NULL;

-- "Recibido ✅" presses: one per chat and broadcast (a group acknowledges once).
CREATE TABLE broadcast_acks (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    chat_id       INTEGER NOT NULL,
    acked_at      TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, chat_id)
) WITHOUT ROWID;
