"""Relayed messages between two people who work at the same schools.

The clash warning's "Escribir a <organización>" and the same button on /quien let a person
write a short message to the author of another activity; the bot delivers it through the
outbox with "Responder" and "Bloquear" buttons, and carries the answer back the same way.
Neither side sees the other's Telegram account. Every relay is checked and written here in
one transaction with its outbox row, so a refused one leaves nothing behind:

- a block by the receiver refuses it (`RelayBlocked`; the handler does not tell the sender
  why, so a block cannot be detected),
- more than `per_day` messages from one sender in 24 hours refuse it (`RelayLimitReached`),
- an answer is only accepted from the person the answered message was sent to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from storage.clock import from_db, to_db, utc_now
from storage.db import Database, Session, StorageError
from storage.normalize import clean_text
from storage.outbox import OutboxItem, enqueue

MAX_RELAY_CHARS = 500
RELAY_WINDOW = timedelta(hours=24)


class RelayRefused(StorageError):
    """A relay that cannot be sent; subclasses say why."""


class InvalidRelayText(RelayRefused):
    def __init__(self, length: int) -> None:
        super().__init__(f"a relayed message has 1 to {MAX_RELAY_CHARS} characters, not {length}")
        self.length = length


class RelayBlocked(RelayRefused):
    """The receiver blocked relays from the sender."""


class RelayLimitReached(RelayRefused):
    def __init__(self, sent: int) -> None:
        super().__init__(f"{sent} relayed messages in the last 24 hours")
        self.sent = sent


class NotYourRelay(RelayRefused):
    """An answer to (or a block of) a message that was not sent to this person, or is gone."""


@dataclass(frozen=True)
class RelayMessage:
    id: int
    sender_id: int
    recipient_id: int
    activity_id: int | None
    reply_to: int | None
    text: str
    sent_at: datetime


Render = Callable[[RelayMessage], OutboxItem]


def clean_relay_text(text: str) -> str:
    cleaned = clean_text(text, keep_newlines=True)
    if not 1 <= len(cleaned) <= MAX_RELAY_CHARS:
        raise InvalidRelayText(len(cleaned))
    return cleaned


class Relays:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def send(
        self,
        sender_id: int,
        recipient_id: int,
        text: str,
        render: Render,
        *,
        activity_id: int | None = None,
        per_day: int,
        now: datetime | None = None,
    ) -> RelayMessage:
        """Store a first message and enqueue its delivery (built by `render`). Raises
        InvalidRelayText, RelayBlocked or RelayLimitReached; nothing is written then."""
        cleaned = clean_relay_text(text)
        moment = now or utc_now()
        async with self._db.transaction() as session:
            await _check_may_send(session, sender_id, recipient_id, per_day, moment)
            message = await _insert(
                session, sender_id, recipient_id, activity_id, None, cleaned, moment
            )
            await enqueue(session, _event_key(message.id), [render(message)], now=moment)
        return message

    async def answer(
        self,
        replier_id: int,
        answered_id: int,
        text: str,
        render: Render,
        *,
        per_day: int,
        now: datetime | None = None,
    ) -> RelayMessage:
        """Carry an answer to message `answered_id` back to its sender. NotYourRelay unless
        `replier_id` received that message; otherwise as `send`."""
        cleaned = clean_relay_text(text)
        moment = now or utc_now()
        async with self._db.transaction() as session:
            answered = await _received_by(session, answered_id, replier_id)
            recipient_id = answered.sender_id
            await _check_may_send(session, replier_id, recipient_id, per_day, moment)
            message = await _insert(
                session, replier_id, recipient_id, answered.activity_id, answered.id, cleaned,
                moment,
            )  # fmt: skip
            await enqueue(session, _event_key(message.id), [render(message)], now=moment)
        return message

    async def get(self, message_id: int) -> RelayMessage | None:
        async with self._db.read() as session:
            row = await session.fetchone("SELECT * FROM relay_messages WHERE id = ?", (message_id,))
        return _message(row) if row is not None else None

    async def block_sender_of(self, blocker_id: int, message_id: int) -> RelayMessage:
        """Block relays from whoever sent `message_id` to `blocker_id` (idempotent). Returns the
        message; NotYourRelay if it was not sent to `blocker_id`."""
        async with self._db.transaction() as session:
            message = await _received_by(session, message_id, blocker_id)
            await session.execute(
                "INSERT INTO relay_blocks (blocker_id, blocked_id, blocked_at) VALUES (?, ?, ?)"
                " ON CONFLICT (blocker_id, blocked_id) DO NOTHING",
                (blocker_id, message.sender_id, to_db(utc_now())),
            )
        return message

    async def unblock(self, blocker_id: int, blocked_id: int) -> bool:
        async with self._db.transaction() as session:
            removed = await session.execute(
                "DELETE FROM relay_blocks WHERE blocker_id = ? AND blocked_id = ?",
                (blocker_id, blocked_id),
            )
        return removed > 0

    async def sent_since(self, sender_id: int, since: datetime) -> int:
        async with self._db.read() as session:
            return await _count_sent(session, sender_id, since)


async def _check_may_send(
    session: Session, sender_id: int, recipient_id: int, per_day: int, moment: datetime
) -> None:
    if sender_id == recipient_id:
        raise NotYourRelay("nobody relays a message to themselves")
    blocked = await session.fetchone(
        "SELECT 1 FROM relay_blocks WHERE blocker_id = ? AND blocked_id = ?",
        (recipient_id, sender_id),
    )
    if blocked is not None:
        raise RelayBlocked(f"{recipient_id} blocked relays from {sender_id}")
    sent = await _count_sent(session, sender_id, moment - RELAY_WINDOW)
    if sent >= per_day:
        raise RelayLimitReached(sent)


async def _count_sent(session: Session, sender_id: int, since: datetime) -> int:
    row = await session.fetchone(
        "SELECT count(*) FROM relay_messages WHERE sender_id = ? AND sent_at > ?",
        (sender_id, to_db(since)),
    )
    return int(row[0]) if row is not None else 0


async def _received_by(session: Session, message_id: int, recipient_id: int) -> RelayMessage:
    row = await session.fetchone(
        "SELECT * FROM relay_messages WHERE id = ? AND recipient_id = ?",
        (message_id, recipient_id),
    )
    if row is None:
        raise NotYourRelay(f"relay {message_id} was not sent to {recipient_id}")
    return _message(row)


async def _insert(
    session: Session,
    sender_id: int,
    recipient_id: int,
    activity_id: int | None,
    reply_to: int | None,
    text: str,
    moment: datetime,
) -> RelayMessage:
    message_id = await session.insert(
        "INSERT INTO relay_messages (sender_id, recipient_id, activity_id, reply_to, text,"
        " sent_at) VALUES (?, ?, ?, ?, ?, ?)",
        (sender_id, recipient_id, activity_id, reply_to, text, to_db(moment)),
    )
    return RelayMessage(message_id, sender_id, recipient_id, activity_id, reply_to, text, moment)


def _event_key(message_id: int) -> str:
    return f"relay:{message_id}"


def _message(row: Any) -> RelayMessage:
    sent_at = from_db(row["sent_at"])
    assert sent_at is not None  # NOT NULL in the schema
    return RelayMessage(
        id=row["id"],
        sender_id=row["sender_id"],
        recipient_id=row["recipient_id"],
        activity_id=row["activity_id"],
        reply_to=row["reply_to"],
        text=row["text"],
        sent_at=sent_at,
    )
