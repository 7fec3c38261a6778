-- A counter of every change the coordinator's overview can show (storage.overview keeps its
-- answers for a scope and period under it): bumped by triggers in the same transaction as the
-- change, so no write path (a handler, a 3W or registry import, the CLI, another process) can
-- leave a kept answer looking current. What the overview reads: activities (any column: times,
-- status, organization, category, title, school), the schools' registry fields it shows or
-- filters on, and organizations' names.
CREATE TABLE overview_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO overview_version (id, version) VALUES (1, 0);

CREATE TRIGGER overview_activity_added AFTER INSERT ON activities
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER overview_activity_changed AFTER UPDATE ON activities
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER overview_activity_removed AFTER DELETE ON activities
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER overview_school_added AFTER INSERT ON schools
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER overview_school_changed
AFTER UPDATE OF cod_mod, name, level, ubigeo, district, latitude, longitude, active ON schools
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER overview_school_removed AFTER DELETE ON schools
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER overview_organization_added AFTER INSERT ON organizations
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER overview_organization_renamed AFTER UPDATE OF name ON organizations
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER overview_organization_removed AFTER DELETE ON organizations
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;
