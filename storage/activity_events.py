"""Changes to activities waiting to be told to their followers.

An activity's create, update or cancel records its event here in the same transaction (so a
change is never stored without it), with the heads-ups composed beforehand. Telling the
followers happens after that write: `pending` lists what waits, the caller reads the followers
and composes outside any write, and `finish` enqueues the messages and removes the event in one
short transaction. Removing it is the claim: two callers finishing the same event (the handler
that made the change and the minute job after a crash) enqueue it once; the outbox's
UNIQUE (event_key, chat_id) would anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.clock import from_db, to_db
from storage.db import Database, Session
from storage.digests import add_lines
from storage.outbox import OutboxItem, enqueue

PENDING_BATCH = 100


class Change(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Notice:
    """What to record with a change: which change, who made it (not told of it), when (the
    daily digest a line lands in depends on it), and the heads-ups to enqueue right away."""

    change: Change
    actor_id: int | None
    at: datetime
    # Ready-made, or made from the activity's id once written (a button that names it).
    heads_ups: Sequence[OutboxItem] | Callable[[int], Sequence[OutboxItem]] = ()


@dataclass(frozen=True)
class PendingEvent:
    event_key: str
    activity_id: int
    change: Change
    actor_id: int | None
    at: datetime


def event_key(activity_id: int, change: Change, updated_at: datetime) -> str:
    """Unique per event: an activity edited twice is two events, a retried write is one."""
    return f"activity:{activity_id}:{change}:{to_db(updated_at)}"


async def record(session: Session, activity_id: int, updated_at: datetime, notice: Notice) -> None:
    """Inside the change's transaction: the event, and the heads-ups it causes."""
    await session.execute(
        "INSERT INTO activity_events (event_key, activity_id, change, actor_id, created_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING",
        (
            event_key(activity_id, notice.change, updated_at),
            activity_id,
            notice.change.value,
            notice.actor_id,
            to_db(notice.at),
        ),
    )
    items = notice.heads_ups(activity_id) if callable(notice.heads_ups) else notice.heads_ups
    if items:
        await enqueue(session, f"heads-up:{activity_id}", items)


class ActivityEvents:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def pending(self, limit: int = PENDING_BATCH) -> list[PendingEvent]:
        """Events not told yet, oldest first (an activity's edits in the order they happened)."""
        rows = await self._db.fetchall(
            "SELECT event_key, activity_id, change, actor_id, created_at FROM activity_events"
            " ORDER BY rowid LIMIT ?",
            (limit,),
        )
        return [
            PendingEvent(row[0], row[1], Change(row[2]), row[3], _moment(row[4])) for row in rows
        ]

    async def finish(
        self, event: PendingEvent, items: Sequence[OutboxItem], lines: Sequence[tuple[int, str]]
    ) -> bool:
        """Enqueue the instant followers' messages and the daily followers' lines (chat id,
        line) and remove the event, in one transaction; False (nothing written) if another
        caller finished it first."""
        async with self._db.transaction() as session:
            removed = await session.execute(
                "DELETE FROM activity_events WHERE event_key = ?", (event.event_key,)
            )
            if not removed:
                return False
            await enqueue(session, event.event_key, items)
            await add_lines(session, event.event_key, lines, event.at)
        return True


def _moment(text: str) -> datetime:
    moment = from_db(text)
    assert moment is not None  # NOT NULL column
    return moment
