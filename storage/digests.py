"""Daily summaries: events for daily-mode followers wait here as rendered lines until 07:00."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from storage.clock import to_db
from storage.db import Database, Session
from storage.outbox import OutboxItem, enqueue


async def add_lines(
    session: Session, event_key: str, lines: Sequence[tuple[int, str]], now: datetime
) -> None:
    """(chat id, line) for each daily follower, inside the event's own transaction."""
    now_text = to_db(now)
    await session.executemany(
        "INSERT INTO digest_entries (chat_id, event_key, line, created_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (event_key, chat_id) DO NOTHING",
        [(chat_id, event_key, line, now_text) for chat_id, line in lines],
    )


class Digests:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def waiting(self, before: datetime) -> list[WaitingDigest]:
        """Every active chat with lines written before `before` (this morning's 07:00), with
        its language and the lines in order."""
        rows = await self._db.fetchall(
            "SELECT d.id, d.chat_id, d.line, COALESCE(c.language, m.language) AS language"
            " FROM digest_entries d JOIN chats c ON c.id = d.chat_id"
            " LEFT JOIN members m ON m.user_id = c.id WHERE c.active = 1 AND d.created_at < ?"
            " ORDER BY d.id",
            (to_db(before),),
        )
        waiting: dict[int, WaitingDigest] = {}
        for row in rows:
            lines = waiting[row["chat_id"]].lines if row["chat_id"] in waiting else []
            waiting[row["chat_id"]] = WaitingDigest(
                row["chat_id"], row["language"], row["id"], [*lines, row["line"]]
            )
        return list(waiting.values())

    async def send(self, digest: WaitingDigest, day: date, item: OutboxItem) -> bool:
        """Enqueue the chat's summary for `day` and drop its lines, in one transaction. A chat
        gets one summary a day: False (and nothing changes) if today's is already out."""
        key = f"digest:{day.isoformat()}"
        async with self._db.transaction() as session:
            if await session.scalar(
                "SELECT 1 FROM outbox WHERE event_key = ? AND chat_id = ?", (key, digest.chat_id)
            ):
                return False
            await enqueue(session, key, [item])
            await session.execute(
                "DELETE FROM digest_entries WHERE chat_id = ? AND id <= ?",
                (digest.chat_id, digest.last_id),
            )
        return True


@dataclass(frozen=True)
class WaitingDigest:
    chat_id: int
    language: str | None
    last_id: int
    lines: list[str]
