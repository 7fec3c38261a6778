-- The overview's data version (0018) moved on any change to an activity, and the reminder job,
-- every minute, marks the activities it reminded of or asked about: the web overview's kept
-- answers were thrown away each minute. It now moves only when a column the kept answers read changes:
-- school, organization, category, title, times, daily hours, status (not the reminder job's
-- marks, nor authorship). A new migration, not an edit of 0018: a database that ran 0018 keeps
-- what it ran.
DROP TRIGGER overview_activity_changed;
CREATE TRIGGER overview_activity_changed AFTER UPDATE OF
    school_id, organization_id, category, title, starts_at, ends_at, repeats_daily, status
    ON activities
BEGIN
    UPDATE overview_version SET version = version + 1 WHERE id = 1;
END;
