"""The outbox: every message the bot sends on its own, written before it is sent.

Whatever causes a message (an announcement, a reminder, a broadcast) enqueues it in the same
transaction that records the cause, with `enqueue(session, event_key, items)`: either both are
stored or neither is, and UNIQUE (event_key, chat_id) makes enqueueing an event twice harmless.

The delivery worker (bot.outbox.delivery) claims pending rows, sends them and marks the outcome.
A row is
`claimed` while the worker holds it; after a crash `requeue_stale_claims` puts claimed rows back
to `pending`. So nothing is lost, and only the messages that were on their way to Telegram at the
moment of the crash (sent, but not yet marked) can be sent twice.

Life of a row: pending -> claimed -> sent | failed | skipped, or back to pending (retry later,
Telegram asked to wait, worker stopped).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from storage.clock import from_db, to_db, utc_now
from storage.db import Database, Session

MAX_ERROR_LENGTH = 500
# The claim query looks at this many due rows per message it may return, so that one chat with
# a long queue cannot hide the chats behind it.
CLAIM_WINDOW_FACTOR = 4
INACTIVE_CHAT = "chat inactive"

_INSERT = (
    "INSERT INTO outbox (event_key, chat_id, text, reply_markup, status, not_before, error,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (event_key, chat_id) DO NOTHING"
)

# Oldest due message of each chat that is not busy, oldest first. The inner query is a prefix of
# the due rows in id order (the covering partial index outbox_pending), so for every chat in it
# MIN(id) really is that chat's oldest due message: per-chat order is kept. INDEXED BY: left to
# itself the planner picks outbox_status_time and sorts every pending row (50 ms at 100,000).
_CLAIM = """
UPDATE outbox SET status = 'claimed', claimed_at = :now, updated_at = :now
WHERE id IN (
    SELECT MIN(id) FROM (
        SELECT o.id, o.chat_id FROM outbox o INDEXED BY outbox_pending
        WHERE o.status = 'pending' AND (o.not_before IS NULL OR o.not_before <= :now)
          AND o.chat_id NOT IN (SELECT value FROM json_each(:busy))
          AND NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = o.chat_id AND c.active = 0)
        ORDER BY o.id LIMIT :window
    )
    GROUP BY chat_id ORDER BY MIN(id) LIMIT :limit
)
RETURNING id, event_key, chat_id, text, reply_markup, attempts, created_at
"""


@dataclass(frozen=True)
class OutboxItem:
    """One message to enqueue: its chat, HTML text and optional inline keyboard."""

    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None = None  # InlineKeyboardMarkup.to_dict()


@dataclass(frozen=True)
class OutboxMessage:
    """A claimed row, as the worker sends it."""

    id: int
    event_key: str
    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None
    attempts: int
    created_at: datetime

    @property
    def is_group(self) -> bool:
        """Groups, supergroups and channels have negative ids (20 messages a minute each)."""
        return self.chat_id < 0


@dataclass(frozen=True)
class QueueStats:
    since: datetime
    pending: int  # includes messages waiting for a retry or a digest hour
    waiting: int  # of pending: not due yet
    claimed: int
    sent: int  # since `since`
    failed: int
    skipped: int
    inactive_chats: int
    failure_reasons: tuple[tuple[str, int], ...]  # most frequent errors since `since`


def _row_to_message(row: aiosqlite.Row) -> OutboxMessage:
    created_at = from_db(row["created_at"])
    assert created_at is not None  # NOT NULL
    markup = row["reply_markup"]
    return OutboxMessage(
        id=row["id"],
        event_key=row["event_key"],
        chat_id=row["chat_id"],
        text=row["text"],
        reply_markup=json.loads(markup) if markup is not None else None,
        attempts=row["attempts"],
        created_at=created_at,
    )


async def enqueue(
    session: Session,
    event_key: str,
    items: Sequence[OutboxItem],
    *,
    not_before: datetime | None = None,
    now: datetime | None = None,
) -> int:
    """Add one message per item inside the caller's transaction; return how many were new
    (an (event_key, chat) pair already in the outbox is left as it is)."""
    stamp = to_db(now or utc_now())
    due = to_db(not_before) if not_before is not None else None
    inactive = await _inactive_among(session, {item.chat_id for item in items})
    markup_json = _MarkupEncoder()
    rows = [
        (
            event_key,
            item.chat_id,
            item.text,
            markup_json(item.reply_markup),
            # A chat the bot cannot write to gets nothing; the row records that it was skipped,
            # so that blocked chats do not pile up pending messages.
            "skipped" if item.chat_id in inactive else "pending",
            due,
            INACTIVE_CHAT if item.chat_id in inactive else None,
            stamp,
            stamp,
        )
        for item in items
    ]
    # Session.executemany does not report a row count; total_changes() does (the transaction
    # lock guarantees nothing else writes in between).
    before = await session.scalar("SELECT total_changes()")
    await session.executemany(_INSERT, rows)
    after = await session.scalar("SELECT total_changes()")
    return int(after) - int(before)


class _MarkupEncoder:
    """JSON of each item's keyboard. A fan-out gives thousands of items the very same keyboard
    object; it is encoded once (by identity: the items keep it alive while this runs)."""

    def __init__(self) -> None:
        self._done: dict[int, str] = {}

    def __call__(self, markup: dict[str, Any] | None) -> str | None:
        if not markup:
            return None
        if id(markup) not in self._done:
            self._done[id(markup)] = json.dumps(markup)
        return self._done[id(markup)]


class Outbox:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enqueue(
        self, event_key: str, items: Sequence[OutboxItem], *, not_before: datetime | None = None
    ) -> int:
        """`enqueue` in a transaction of its own, for messages that have no cause to store."""
        async with self._db.transaction() as session:
            return await enqueue(session, event_key, items, not_before=not_before)

    async def claim(
        self, now: datetime, limit: int, *, exclude_chats: Collection[int] = ()
    ) -> list[OutboxMessage]:
        """Claim up to `limit` due messages of active chats, at most one per chat and none for
        `exclude_chats` (chats the worker may not send to yet), oldest first."""
        params = {
            "now": to_db(now),
            "busy": json.dumps(list(exclude_chats)),
            "window": limit * CLAIM_WINDOW_FACTOR,
            "limit": limit,
        }
        async with self._db.transaction() as session:
            rows = await session.fetchall(_CLAIM, params)
        return sorted((_row_to_message(row) for row in rows), key=lambda message: message.id)

    async def has_due(self, now: datetime) -> bool:
        """Is any message due for an active chat (whether or not the worker may send it yet)?"""
        due = await self._db.scalar(
            "SELECT EXISTS (SELECT 1 FROM outbox o INDEXED BY outbox_pending"
            " WHERE o.status = 'pending' AND (o.not_before IS NULL OR o.not_before <= ?)"
            " AND NOT EXISTS (SELECT 1 FROM chats c WHERE c.id = o.chat_id AND c.active = 0))",
            (to_db(now),),
        )
        return bool(due)

    async def release(self, message_ids: Collection[int]) -> None:
        """Claimed messages go back to pending untouched (not sent, no attempt counted)."""
        async with self._db.transaction() as session:
            await session.executemany(
                "UPDATE outbox SET status = 'pending', claimed_at = NULL"
                " WHERE id = ? AND status = 'claimed'",
                [(message_id,) for message_id in message_ids],
            )

    async def requeue_stale_claims(self, older_than: datetime) -> int:
        """At start-up: rows a crashed run had claimed (claimed at or before `older_than`) are
        pending again. Those it had already sent but not marked will be sent twice."""
        async with self._db.transaction() as session:
            return await session.execute(
                "UPDATE outbox SET status = 'pending', claimed_at = NULL, updated_at = ?"
                " WHERE status = 'claimed' AND claimed_at <= ?",
                (to_db(utc_now()), to_db(older_than)),
            )

    async def mark_sent(self, message_id: int, now: datetime) -> None:
        await self._finish(message_id, "sent", None, now, sent_at=to_db(now))

    async def mark_failed(
        self, message_id: int, error: str, *, now: datetime | None = None
    ) -> None:
        """Telegram refused the message for good (or retries ran out): keep its error text."""
        await self._finish(message_id, "failed", error, now or utc_now())

    async def retry_later(
        self, message_id: int, not_before: datetime, error: str, *, now: datetime | None = None
    ) -> None:
        """A transient failure: pending again, but not before `not_before`."""
        async with self._db.transaction() as session:
            await session.execute(
                "UPDATE outbox SET status = 'pending', claimed_at = NULL, not_before = ?,"
                " error = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
                (to_db(not_before), error[:MAX_ERROR_LENGTH], to_db(now or utc_now()), message_id),
            )

    async def skip_chat(self, chat_id: int, reason: str, *, now: datetime | None = None) -> int:
        """Every message still to send to the chat is skipped (the bot can't write there)."""
        async with self._db.transaction() as session:
            return await session.execute(
                "UPDATE outbox SET status = 'skipped', error = ?, updated_at = ?"
                " WHERE chat_id = ? AND status IN ('pending', 'claimed')",
                (reason[:MAX_ERROR_LENGTH], to_db(now or utc_now()), chat_id),
            )

    async def stats(self, since: datetime) -> QueueStats:
        """The queue now, and what happened to messages since `since`."""
        async with self._db.read() as session:
            counts = await _status_counts(session, to_db(since))
            waiting = await session.scalar(
                "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND not_before > ?",
                (to_db(utc_now()),),
            )
            inactive = await session.scalar(
                "SELECT COUNT(*) FROM chats WHERE active = 0 AND migrated_to IS NULL"
            )
            reasons = await session.fetchall(
                "SELECT error, COUNT(*) FROM outbox WHERE status = 'failed' AND updated_at >= ?"
                " GROUP BY error ORDER BY COUNT(*) DESC, error LIMIT 5",
                (to_db(since),),
            )
        return QueueStats(
            since=since,
            pending=counts.get("pending", 0),
            waiting=int(waiting),
            claimed=counts.get("claimed", 0),
            sent=counts.get("sent", 0),
            failed=counts.get("failed", 0),
            skipped=counts.get("skipped", 0),
            inactive_chats=int(inactive),
            failure_reasons=tuple((str(row[0]), int(row[1])) for row in reasons),
        )

    async def _finish(
        self,
        message_id: int,
        status: str,
        error: str | None,
        now: datetime,
        sent_at: str | None = None,
    ) -> None:
        async with self._db.transaction() as session:
            await session.execute(
                "UPDATE outbox SET status = ?, error = ?, sent_at = COALESCE(?, sent_at),"
                " attempts = attempts + 1, updated_at = ? WHERE id = ?",
                (
                    status,
                    error[:MAX_ERROR_LENGTH] if error else None,
                    sent_at,
                    to_db(now),
                    message_id,
                ),
            )


async def _inactive_among(session: Session, chat_ids: Collection[int]) -> set[int]:
    rows = await session.fetchall(
        "SELECT id FROM chats WHERE active = 0 AND id IN (SELECT value FROM json_each(?))",
        (json.dumps(list(chat_ids)),),
    )
    return {row[0] for row in rows}


async def _status_counts(session: Session, since: str) -> dict[str, int]:
    live = await session.fetchall(
        "SELECT status, COUNT(*) FROM outbox WHERE status IN ('pending', 'claimed') GROUP BY status"
    )
    done = await session.fetchall(
        "SELECT status, COUNT(*) FROM outbox"
        " WHERE status IN ('sent', 'failed', 'skipped') AND updated_at >= ? GROUP BY status",
        (since,),
    )
    return {str(row[0]): int(row[1]) for row in [*live, *done]}
