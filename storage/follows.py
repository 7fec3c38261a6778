"""Who follows what: a chat (a person or a group) follows a school, a district or an
organization, instantly or as a daily summary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from storage.clock import to_db, utc_now
from storage.db import Database, Session


class FollowKind(StrEnum):
    SCHOOL = "school"
    DISTRICT = "district"
    ORGANIZATION = "organization"


class FollowMode(StrEnum):
    INSTANT = "instant"
    DAILY = "daily"


@dataclass(frozen=True)
class Follow:
    chat_id: int
    kind: FollowKind
    target: str
    mode: FollowMode


@dataclass(frozen=True)
class Recipient:
    """One chat to tell about an event, with the follow that made it a recipient (the most
    specific one: school, then district, then organization) and its language."""

    chat_id: int
    chat_type: str
    language: str | None
    mode: FollowMode
    kind: FollowKind
    target: str


class Follows:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def follow(self, chat_id: int, kind: FollowKind, target: str) -> bool:
        """Follow (idempotent); True if it is new. New follows take the chat's current mode."""
        # One statement (atomic on its own, one trip to the database thread): the chat's mode is
        # that of its latest follow, as in `_chat_mode`; a row comes back only if it was added.
        added = await self._db.write(
            "INSERT INTO follows (chat_id, kind, target, mode, created_at)"
            " SELECT ?, ?, ?, coalesce((SELECT mode FROM follows WHERE chat_id = ?"
            "  ORDER BY created_at DESC LIMIT 1), ?), ?"
            " WHERE true"  # SQLite needs it to tell the upsert from a join
            " ON CONFLICT (chat_id, kind, target) DO NOTHING RETURNING 1",
            (chat_id, kind.value, target, chat_id, FollowMode.INSTANT.value, to_db(utc_now())),
        )
        return bool(added)

    async def unfollow(self, chat_id: int, kind: FollowKind, target: str) -> bool:
        """True if the chat was following it."""
        async with self._db.transaction() as session:
            removed = await session.execute(
                "DELETE FROM follows WHERE chat_id = ? AND kind = ? AND target = ?",
                (chat_id, kind.value, target),
            )
        return removed > 0

    async def unfollow_kind(self, chat_id: int, kind: FollowKind) -> int:
        async with self._db.transaction() as session:
            return await session.execute(
                "DELETE FROM follows WHERE chat_id = ? AND kind = ?", (chat_id, kind.value)
            )

    async def of_chat(self, chat_id: int) -> list[Follow]:
        rows = await self._db.fetchall(
            "SELECT chat_id, kind, target, mode FROM follows WHERE chat_id = ?"
            " ORDER BY kind, created_at",
            (chat_id,),
        )
        return [
            Follow(r["chat_id"], FollowKind(r["kind"]), r["target"], FollowMode(r["mode"]))
            for r in rows
        ]

    async def is_following(self, chat_id: int, kind: FollowKind, target: str) -> bool:
        found = await self._db.lookup(
            "SELECT 1 FROM follows WHERE chat_id = ? AND kind = ? AND target = ?",
            (chat_id, kind.value, target),
        )
        return found is not None

    async def set_mode(self, chat_id: int, mode: FollowMode) -> int:
        """Instant or daily for everything the chat follows."""
        async with self._db.transaction() as session:
            return await session.execute(
                "UPDATE follows SET mode = ? WHERE chat_id = ?", (mode.value, chat_id)
            )

    async def recipients(self, school_id: int, organization_id: int | None) -> list[Recipient]:
        """Who hears of an activity at the school by the organization (see recipients_in)."""
        async with self._db.read() as session:
            return await recipients_in(session, school_id, organization_id)

    async def mode_of(self, chat_id: int) -> FollowMode:
        async with self._db.read() as session:
            return await _chat_mode(session, chat_id)


async def _chat_mode(session: Session, chat_id: int) -> FollowMode:
    mode = await session.scalar(
        "SELECT mode FROM follows WHERE chat_id = ? ORDER BY created_at DESC LIMIT 1", (chat_id,)
    )
    return FollowMode(mode) if mode else FollowMode.INSTANT


_PRECEDENCE = {FollowKind.SCHOOL: 0, FollowKind.DISTRICT: 1, FollowKind.ORGANIZATION: 2}
# By stored value: a dict lookup, where calling the enum costs ~2 µs a row (recipients_in runs
# inside the write transaction of an activity, for every follower).
_KINDS = {kind.value: kind for kind in FollowKind}
_MODES = {mode.value: mode for mode in FollowMode}


async def recipients_in(
    session: Session, school_id: int, organization_id: int | None
) -> list[Recipient]:
    """Active chats following the school, its district or the organization; once each."""
    rows = await session.fetchall(
        "SELECT f.chat_id, c.type, COALESCE(c.language, m.language), f.mode, f.kind, f.target"
        " FROM follows f JOIN chats c ON c.id = f.chat_id"
        " LEFT JOIN members m ON m.user_id = c.id"
        " WHERE c.active = 1 AND ((f.kind = 'school' AND f.target = ?)"
        " OR (f.kind = 'district' AND f.target = (SELECT ubigeo FROM schools WHERE id = ?))"
        " OR (f.kind = 'organization' AND f.target = ?))",
        (str(school_id), school_id, str(organization_id) if organization_id else ""),
    )
    best: dict[int, Recipient] = {}
    for row in rows:
        recipient = Recipient(row[0], row[1], row[2], _MODES[row[3]], _KINDS[row[4]], row[5])
        current = best.get(recipient.chat_id)
        if current is None or _PRECEDENCE[recipient.kind] < _PRECEDENCE[current.kind]:
            best[recipient.chat_id] = recipient
    return list(best.values())


def exclude(recipients: Sequence[Recipient], chat_id: int | None) -> list[Recipient]:
    return [r for r in recipients if r.chat_id != chat_id]
