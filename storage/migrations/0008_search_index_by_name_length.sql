-- The word index's rowids now sort schools by the length of their name: rowid =
-- length(name_key) * 2^32 + schools.id (storage.schools.fts_rowid). An ambiguous query ("san
-- juan": 7,000 matches) wants the shortest names first; reading the index in rowid order gives
-- them at once, where sorting the matches meant reading a thousand rows of schools (3 ms at
-- Peru scale, and only the first thousand matches by id were considered).
--
-- The index is contentless: it cannot point at schools by id any more. Nothing reads the words
-- back from it (ranking reads schools), and an entry is removed with the words it was indexed
-- with, which the importer already passes.

DROP TABLE schools_fts_vocab;
DROP TABLE schools_fts;

CREATE VIRTUAL TABLE schools_fts USING fts5(
    name_key, place_key, level_key,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2', detail = column
);

CREATE VIRTUAL TABLE schools_fts_vocab USING fts5vocab(schools_fts, row);

INSERT INTO schools_fts (rowid, name_key, place_key, level_key)
    SELECT (length(name_key) << 32) + id, name_key, place_key, level_key FROM schools;
