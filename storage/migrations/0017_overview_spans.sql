-- The overview's overlap sweep (storage.overview._SPANS) reads repeats_daily besides what the
-- markers and the 3W matrix read: with it in activities_school_span (migration 0016), the
-- sweep's 20,000 activities of a UGEL are read from the index alone, no table row visited.
DROP INDEX activities_school_span;
CREATE INDEX activities_school_span ON activities(
    school_id, starts_at, ends_at, status, organization_id, category, repeats_daily
);
