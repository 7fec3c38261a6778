-- Outbox retention (OUTBOX_RETENTION_DAYS): finished rows older than the retention lose their
-- text, keyboard and (unless skipped) error; the row itself stays, because its UNIQUE
-- (event_key, chat_id) is what stops an event from being sent twice, and broadcast reports count
-- rows by status (and tell cancelled copies from blocked ones by a skipped row's error).
--
-- The compaction job walks the finished rows that still hold a text, oldest first. Partial: a
-- row leaves the index once compacted (or erased by /olvidarme), so the index holds only the
-- retention window, however long the history grows.
CREATE INDEX outbox_to_compact ON outbox(updated_at)
    WHERE status IN ('sent', 'failed', 'skipped') AND text != '';
