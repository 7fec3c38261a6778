-- Schools: MINEDU's registry of educational services (one row per COD_MOD + ANEXO), its search
-- index and its location index. Rows come only from `python -m bot import-schools`.
-- DIRECTOR, TELEFONO and EMAIL of the registry are personal data and have no column here.
--
-- Write schools only through storage.schools.Schools.upsert_batch: it keeps schools_fts in step
-- in the same transaction (triggers did the same several times slower on a full import;
-- Schools.rebuild_indexes() repairs the index if something else ever writes here).

CREATE TABLE schools (
    id           INTEGER PRIMARY KEY,
    cod_mod      TEXT NOT NULL CHECK (length(cod_mod) = 7),   -- text: leading zeros matter
    anexo        TEXT NOT NULL DEFAULT '0',
    codlocal     TEXT,                                        -- the building; shared by levels
    name         TEXT NOT NULL,
    level        TEXT,
    management   TEXT,
    address      TEXT,
    ubigeo       TEXT,                                        -- 2 department + 2 province + 2 district
    region       TEXT,
    province     TEXT,
    district     TEXT,
    ugel         TEXT,
    latitude     REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude    REAL CHECK (longitude BETWEEN -180 AND 180),
    active       INTEGER NOT NULL DEFAULT 1,
    -- Search words (storage.schools.school_words): folded, abbreviations expanded, noise dropped.
    name_key     TEXT NOT NULL,
    place_key    TEXT NOT NULL,
    level_key    TEXT NOT NULL,
    -- Digest of the imported fields: a re-import touches only rows whose digest changed.
    source_hash  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (cod_mod, anexo)
);

-- ubigeo is always 6 digits, so "all of department 15" is the range '150000'..'159999'.
CREATE INDEX schools_ubigeo ON schools(ubigeo);
CREATE INDEX schools_codlocal ON schools(codlocal);
-- "Near me": a latitude band read from this index (covering: no table lookups) is the
-- bounding-box prefilter; exact distances are computed in Python. An R*Tree was measured too:
-- similar query times, but it made a full import 1.5 s slower.
CREATE INDEX schools_location ON schools(latitude, longitude, active);

-- Word index over the search keys (external content: the words live once, in schools).
-- detail=column: no phrase queries are needed (the ranking is done in Python), and dropping
-- positions keeps the index small and AND queries fast.
CREATE VIRTUAL TABLE schools_fts USING fts5(
    name_key, place_key, level_key,
    content = 'schools', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', detail = column
);

-- Every distinct indexed word with how many schools use it; read when refreshing school_terms.
CREATE VIRTUAL TABLE schools_fts_vocab USING fts5vocab(schools_fts, row);

-- Copy of the vocabulary plus its deletion variants ("symmetric delete" spelling correction):
-- a typed word and a stored word within 1-2 edits share a variant, found by one indexed lookup.
CREATE TABLE school_terms (
    term  TEXT PRIMARY KEY,
    docs  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE school_term_variants (
    variant  TEXT NOT NULL,
    term     TEXT NOT NULL,
    PRIMARY KEY (variant, term)
) WITHOUT ROWID;
