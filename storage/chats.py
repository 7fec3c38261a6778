"""Chats: every Telegram chat the bot writes to, and whether it still can.

A chat becomes inactive when Telegram says the bot cannot write there any more (blocked by the
user, deactivated account, kicked from a group, chat not found). The delivery worker then skips
its messages, and `Outbox.enqueue` records new ones for it as skipped. Any sign of life (a
/start, a message, being added back to a group) goes through `remember`, which reactivates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import aiosqlite

from storage.clock import from_db, to_db, utc_now
from storage.db import Database, Session

MAX_REASON_LENGTH = 300


class ChatType(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


@dataclass(frozen=True)
class Chat:
    id: int
    type: ChatType
    title: str | None
    language: str | None  # groups only; a private chat uses its member's language
    active: bool
    blocked_since: datetime | None
    inactive_reason: str | None
    migrated_to: int | None


def guess_chat_type(chat_id: int) -> ChatType:
    """For a chat we never saw a message from: Telegram gives private chats the user's positive
    id, supergroups and channels ids starting with -100, basic groups other negative ids."""
    if chat_id > 0:
        return ChatType.PRIVATE
    return ChatType.SUPERGROUP if str(chat_id).startswith("-100") else ChatType.GROUP


def _row_to_chat(row: aiosqlite.Row) -> Chat:
    return Chat(
        id=row["id"],
        type=ChatType(row["type"]),
        title=row["title"],
        language=row["language"],
        active=bool(row["active"]),
        blocked_since=from_db(row["blocked_since"]),
        inactive_reason=row["inactive_reason"],
        migrated_to=row["migrated_to"],
    )


class Chats:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, chat_id: int) -> Chat | None:
        row = await self._db.lookup("SELECT * FROM chats WHERE id = ?", (chat_id,))
        return None if row is None else _row_to_chat(row)

    async def remember(
        self,
        chat_id: int,
        type: ChatType | str,
        title: str | None = None,
        language: str | None = None,
    ) -> Chat:
        """Record a chat we heard from; a chat that had blocked the bot is active again.
        `title` and `language` replace the stored ones only when given."""
        chat_type = ChatType(type)
        now = to_db(utc_now())
        rows = await self._db.write(
            "INSERT INTO chats (id, type, title, language, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET type = excluded.type,"
            "  title = COALESCE(excluded.title, title),"
            "  language = COALESCE(excluded.language, language),"
            # A migrated group's old id never comes back to life.
            "  active = (migrated_to IS NULL), blocked_since = NULL, inactive_reason = NULL,"
            "  updated_at = excluded.updated_at"
            " RETURNING *",  # the row as stored, in the same statement
            (chat_id, chat_type.value, title, language, now, now),
        )
        return _row_to_chat(rows[0])

    async def reactivate(self, chat_id: int) -> bool:
        """The bot may write to the chat again (e.g. it was unblocked). False if unknown."""
        async with self._db.transaction() as session:
            changed = await session.execute(
                "UPDATE chats SET active = 1, blocked_since = NULL, inactive_reason = NULL,"
                " updated_at = ? WHERE id = ? AND migrated_to IS NULL",
                (to_db(utc_now()), chat_id),
            )
        return changed > 0

    async def mark_inactive(self, chat_id: int, reason: str) -> None:
        """Telegram refuses to deliver to this chat; `reason` is its error text. Creates the
        row if the chat was never remembered (a reminder to a member, say)."""
        now = to_db(utc_now())
        async with self._db.transaction() as session:
            await session.execute(
                "INSERT INTO chats (id, type, active, blocked_since, inactive_reason,"
                " created_at, updated_at) VALUES (?, ?, 0, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET active = 0,"
                "  blocked_since = COALESCE(blocked_since, excluded.blocked_since),"
                "  inactive_reason = excluded.inactive_reason, updated_at = excluded.updated_at",
                (
                    chat_id,
                    guess_chat_type(chat_id).value,
                    now,
                    reason[:MAX_REASON_LENGTH],
                    now,
                    now,
                ),
            )

    async def migrate(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup with a new id: in one transaction the new chat takes
        over the old one's settings, follows and undelivered messages; the old id is retired."""
        now = to_db(utc_now())
        async with self._db.transaction() as session:
            await _copy_chat(session, old_id, new_id, now)
            await _move_follows(session, old_id, new_id)
            await _move_digest_lines(session, old_id, new_id)
            await _move_live_messages(session, old_id, new_id, now)
            await session.execute(
                "UPDATE chats SET active = 0, migrated_to = ?, updated_at = ? WHERE id = ?",
                (new_id, now, old_id),
            )

    async def inactive_count(self) -> int:
        """Chats the bot cannot write to (migrated groups are not counted: they moved)."""
        count = await self._db.scalar(
            "SELECT COUNT(*) FROM chats WHERE active = 0 AND migrated_to IS NULL"
        )
        return int(count)


async def _copy_chat(session: Session, old_id: int, new_id: int, now: str) -> None:
    """Create the supergroup from the old group (title, language) or reactivate it if known."""
    await session.execute(
        "INSERT INTO chats (id, type, created_at, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id) DO NOTHING",
        (old_id, guess_chat_type(old_id).value, now, now),
    )
    await session.execute(
        "INSERT INTO chats (id, type, title, language, created_at, updated_at)"
        " SELECT ?, 'supergroup', title, language, ?, ? FROM chats WHERE id = ?"
        " ON CONFLICT (id) DO UPDATE SET active = 1, blocked_since = NULL,"
        "  inactive_reason = NULL, migrated_to = NULL,"
        "  title = COALESCE(title, excluded.title),"
        "  language = COALESCE(language, excluded.language), updated_at = excluded.updated_at",
        (new_id, now, now, old_id),
    )


async def _move_follows(session: Session, old_id: int, new_id: int) -> None:
    # The supergroup may already follow the same thing: keep its row, drop the old one.
    await session.execute(
        "INSERT INTO follows (chat_id, kind, target, mode, created_at)"
        " SELECT ?, kind, target, mode, created_at FROM follows WHERE chat_id = ?"
        " ON CONFLICT (chat_id, kind, target) DO NOTHING",
        (new_id, old_id),
    )
    await session.execute("DELETE FROM follows WHERE chat_id = ?", (old_id,))


async def _move_digest_lines(session: Session, old_id: int, new_id: int) -> None:
    """Lines waiting for tomorrow's summary follow the group to its new id."""
    await session.execute(
        "UPDATE OR IGNORE digest_entries SET chat_id = ? WHERE chat_id = ?", (new_id, old_id)
    )
    await session.execute("DELETE FROM digest_entries WHERE chat_id = ?", (old_id,))


async def _move_live_messages(session: Session, old_id: int, new_id: int, now: str) -> None:
    # UNIQUE (event_key, chat_id): if the supergroup already has a message for the same event,
    # the old row stays behind (OR IGNORE) and is skipped as a duplicate instead.
    await session.execute(
        "UPDATE OR IGNORE outbox SET chat_id = ?, updated_at = ?"
        " WHERE chat_id = ? AND status IN ('pending', 'claimed')",
        (new_id, now, old_id),
    )
    await session.execute(
        "UPDATE outbox SET status = 'skipped', error = 'duplicate after group migration',"
        " updated_at = ? WHERE chat_id = ? AND status IN ('pending', 'claimed')",
        (now, old_id),
    )
