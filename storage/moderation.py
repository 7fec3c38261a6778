"""Moderation: bans (the bot ignores a banned person) and the counts behind the abuse limits.

`is_banned` runs on every update, so it is one primary-key lookup, read on the event loop's
thread (`Database.lookup`: microseconds, no hand-off to aiosqlite's thread). It is deliberately
not cached in memory: `python -m bot ban` runs in another process and must take effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.audit import AuditAction, record, user_subject
from storage.broadcasts import cancel_in, sending_ids_of
from storage.clock import to_db, utc_now
from storage.db import Database
from storage.normalize import clean_text
from storage.panel_access import end_all_in as end_panel_access

MAX_REASON_LENGTH = 300


@dataclass(frozen=True)
class BanOutcome:
    newly_banned: bool  # False: the person was already banned
    cancelled_broadcasts: tuple[int, ...]  # their broadcasts that were still sending
    skipped_messages: int  # undelivered copies of those broadcasts, now skipped


class Moderation:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def ban(
        self, user_id: int, actor_id: int | None, reason: str | None = None
    ) -> BanOutcome:
        """Ban the person and, in the same transaction, cancel their broadcasts still sending
        (copies not delivered yet are skipped). Audited; banning twice changes nothing."""
        cleaned = clean_text(reason)[:MAX_REASON_LENGTH] if reason else None
        now = utc_now()
        async with self._db.transaction() as session:
            added = await session.execute(
                "INSERT INTO bans (user_id, banned_by, banned_at, reason) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (user_id) DO NOTHING",
                (user_id, actor_id, to_db(now), cleaned or None),
            )
            await end_panel_access(session, user_id)  # open web overviews close at once
            cancelled = await sending_ids_of(session, user_id)
            skipped = await cancel_in(session, cancelled, now)
            if added or cancelled:
                details = {
                    "reason": cleaned,
                    "cancelled_broadcasts": cancelled,
                    "skipped_messages": skipped,
                }
                await record(
                    session, actor_id, AuditAction.BAN, user_subject(user_id), details, now=now
                )
        return BanOutcome(added > 0, tuple(cancelled), skipped)

    async def unban(self, user_id: int, actor_id: int | None = None) -> bool:
        """Lift the ban; True if there was one (audited)."""
        async with self._db.transaction() as session:
            removed = await session.execute("DELETE FROM bans WHERE user_id = ?", (user_id,))
            if removed:
                await record(session, actor_id, AuditAction.UNBAN, user_subject(user_id))
        return removed > 0

    async def is_banned(self, user_id: int) -> bool:
        found = await self._db.lookup("SELECT 1 FROM bans WHERE user_id = ?", (user_id,))
        return found is not None

    async def banned_ids(self) -> set[int]:
        rows = await self._db.fetchall("SELECT user_id FROM bans")
        return {row["user_id"] for row in rows}

    async def activities_by_author_since(self, author_id: int, since: datetime) -> int:
        """Activities the person announced since `since`: the "announcements per day" limit
        counts creations, so cancelling and re-announcing does not get around it."""
        row = await self._db.lookup(  # one person's rows, through activities_author_time
            "SELECT COUNT(*) FROM activities WHERE author_id = ? AND created_at >= ?",
            (author_id, to_db(since)),
        )
        return 0 if row is None else int(row[0])
