"""Calendar feeds: secret links a calendar app subscribes to, and the activities each shows.

Calendar apps cannot log in, so the link's token is the only key: 32 random bytes (URL-safe
base64), unique, revocable. A revoked or unknown token finds nothing, and the caller answers
both the same way (404), so a token reveals nothing but its own feed.

A person's feed ('follows') reads what her private chat follows when it is fetched: schools,
districts and organizations followed later appear at the next refresh.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import aiosqlite

from storage.clock import from_db, to_db, utc_now
from storage.db import Database, Session, StorageError
from storage.exports import ACTIVITY_COLUMNS, ExportedActivity, row_to_exported

TOKEN_BYTES = 32
# What a feed shows: the recent past (so yesterday's workshop is still there) and the future.
FEED_PAST = timedelta(days=90)
FEED_FUTURE = timedelta(days=400)
# The longest activity a feed expects: one that started this long before the window and is
# still going is shown. Bounding the start lets each followed school's history be read only
# from there, not from its first activity.
FEED_LONGEST_SPAN = timedelta(days=31)
# A feed bigger than this is cut, soonest first: calendar apps choke on huge feeds.
FEED_MAX_EVENTS = 2000


class FeedKind(StrEnum):
    FOLLOWS = "follows"  # target ''
    SCHOOL = "school"  # target: the school's id
    ORGANIZATION = "organization"  # target: the organization's id


class UnknownFeedTarget(StorageError):
    """The school or organization of a feed does not exist."""


@dataclass(frozen=True)
class CalendarFeed:
    id: int
    token: str
    owner_id: int
    kind: FeedKind
    target: str
    language: str
    created_at: datetime
    # For the feed's name: the school's or organization's name ('' for a person's feed).
    title: str = ""


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _row_to_feed(row: aiosqlite.Row, title: str = "") -> CalendarFeed:
    created = from_db(row["created_at"])
    assert created is not None  # NOT NULL
    return CalendarFeed(
        id=row["id"], token=row["token"], owner_id=row["owner_id"], kind=FeedKind(row["kind"]),
        target=row["target"], language=row["language"], created_at=created, title=title,
    )  # fmt: skip


_FEED_SELECT = (
    "SELECT f.*, coalesce(s.name, o.name, '') AS title FROM calendar_feeds f"
    " LEFT JOIN schools s ON f.kind = 'school' AND s.id = CAST(f.target AS INTEGER)"
    " LEFT JOIN organizations o ON f.kind = 'organization' AND o.id = CAST(f.target AS INTEGER)"
)

# The activities of what the owner's private chat follows, each part through its own index
# (a school's, a district's schools', an organization's activities) rather than one OR that
# would read every activity of the window.
_FOLLOWED = (
    " a.id IN (SELECT b.id FROM follows f JOIN activities b"
    "  ON b.school_id = CAST(f.target AS INTEGER) AND b.starts_at BETWEEN :earliest AND :until"
    "  WHERE f.chat_id = :owner AND f.kind = 'school'"
    " UNION SELECT b.id FROM follows f JOIN schools t ON t.ubigeo = f.target"
    "  JOIN activities b ON b.school_id = t.id AND b.starts_at BETWEEN :earliest AND :until"
    "  WHERE f.chat_id = :owner AND f.kind = 'district'"
    " UNION SELECT b.id FROM follows f JOIN activities b"
    "  ON b.organization_id = CAST(f.target AS INTEGER)"
    "  AND b.starts_at BETWEEN :earliest AND :until"
    "  WHERE f.chat_id = :owner AND f.kind = 'organization')"
)
_FEED_CONDITIONS = {
    FeedKind.FOLLOWS: _FOLLOWED,
    FeedKind.SCHOOL: " a.school_id = :target",
    FeedKind.ORGANIZATION: " a.organization_id = :target",
}
_FEED_WINDOW = " WHERE a.ends_at > :since AND a.starts_at < :until AND"
_FEED_ORDER = " ORDER BY a.starts_at, a.id LIMIT :limit"
_FEED_ACTIVITIES = ACTIVITY_COLUMNS + _FEED_WINDOW
# The same rows as _FEED_ACTIVITIES (same window, order and limit), summarized.
_FINGERPRINTS = {
    kind: "SELECT count(*), total(id), total(sequence), total(id * sequence), max(updated_at),"
    " max(school_updated), min(starts_at), max(starts_at) FROM (SELECT a.id, a.sequence,"
    " a.updated_at, a.starts_at, s.updated_at AS school_updated"
    " FROM activities a JOIN schools s ON s.id = a.school_id"
    + _FEED_WINDOW
    + condition
    + _FEED_ORDER
    + ")"
    for kind, condition in _FEED_CONDITIONS.items()
}
_TARGET_EXISTS = {
    FeedKind.SCHOOL: "SELECT 1 FROM schools WHERE id = ?",
    FeedKind.ORGANIZATION: "SELECT 1 FROM organizations WHERE id = ?",
}


class CalendarFeeds:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def link_for(
        self, owner_id: int, kind: FeedKind, target: str, language: str
    ) -> CalendarFeed:
        """The person's live link for this feed, created on first ask (asking twice gives the
        same link: a double tap does not break the subscription made with the first)."""
        async with self._db.transaction() as session:
            await _check_target(session, kind, target)
            row = await _live(session, owner_id, kind, target)
            if row is None:
                row = await _create(session, owner_id, kind, target, language)
        return await self._with_title(row)

    async def renew(
        self, owner_id: int, kind: FeedKind, target: str, language: str
    ) -> CalendarFeed:
        """ "Nuevo enlace": the old link stops working at once and a new one is made."""
        async with self._db.transaction() as session:
            await _check_target(session, kind, target)
            await session.execute(
                "UPDATE calendar_feeds SET revoked_at = ? WHERE owner_id = ? AND kind = ?"
                " AND target = ? AND revoked_at IS NULL",
                (to_db(utc_now()), owner_id, kind.value, target),
            )
            row = await _create(session, owner_id, kind, target, language)
        return await self._with_title(row)

    async def by_token(self, token: str) -> CalendarFeed | None:
        """The live feed of this token; None when unknown or revoked (the same to callers)."""
        row = await self._db.fetchone(
            _FEED_SELECT + " WHERE f.token = ? AND f.revoked_at IS NULL", (token,)
        )
        return None if row is None else _row_to_feed(row, row["title"])

    async def of_owner(self, owner_id: int) -> list[CalendarFeed]:
        """The person's live links (for /misdatos)."""
        rows = await self._db.fetchall(
            _FEED_SELECT + " WHERE f.owner_id = ? AND f.revoked_at IS NULL ORDER BY f.id",
            (owner_id,),
        )
        return [_row_to_feed(row, row["title"]) for row in rows]

    async def activities(self, feed: CalendarFeed, now: datetime) -> list[ExportedActivity]:
        """What the feed shows now: activities of its scope from FEED_PAST ago to FEED_FUTURE
        ahead, cancelled ones included (a calendar must learn they were cancelled)."""
        sql = _FEED_ACTIVITIES + _FEED_CONDITIONS[feed.kind] + _FEED_ORDER
        rows = await self._db.fetchall(sql, _feed_params(feed, now))
        return [row_to_exported(row) for row in rows]

    async def fingerprint(self, feed: CalendarFeed, now: datetime) -> str:
        """A summary that changes whenever what `activities` returns would render differently:
        which activities (count, ids, first and last start), their edits (SEQUENCE, moved by
        the trigger of migration 0012 on any change a feed shows, and the last change), and
        their schools' last re-import. One aggregate query: no rows come to Python, so a
        refresh of an unchanged feed is decided in SQLite alone."""
        row = await self._db.fetchone(_FINGERPRINTS[feed.kind], _feed_params(feed, now))
        assert row is not None  # an aggregate always has a row
        return "|".join(str(value) for value in row)

    async def _with_title(self, row: aiosqlite.Row) -> CalendarFeed:
        found = await self._db.fetchone(_FEED_SELECT + " WHERE f.id = ?", (row["id"],))
        assert found is not None  # just written
        return _row_to_feed(found, found["title"])


def _feed_params(feed: CalendarFeed, now: datetime) -> dict[str, Any]:
    return {
        "since": to_db(now - FEED_PAST), "until": to_db(now + FEED_FUTURE),
        "earliest": to_db(now - FEED_PAST - FEED_LONGEST_SPAN),
        "owner": feed.owner_id, "limit": FEED_MAX_EVENTS,
        "target": int(feed.target) if feed.target else 0,
    }  # fmt: skip


async def _check_target(session: Session, kind: FeedKind, target: str) -> None:
    if kind is FeedKind.FOLLOWS:
        if target:
            raise UnknownFeedTarget(f"a person's feed has no target: {target!r}")
        return
    exists = target.isdigit() and await session.scalar(_TARGET_EXISTS[kind], (int(target),))
    if not exists:
        raise UnknownFeedTarget(f"no {kind.value} {target!r}")


async def _live(
    session: Session, owner_id: int, kind: FeedKind, target: str
) -> aiosqlite.Row | None:
    return await session.fetchone(
        "SELECT * FROM calendar_feeds WHERE owner_id = ? AND kind = ? AND target = ?"
        " AND revoked_at IS NULL ORDER BY id LIMIT 1",
        (owner_id, kind.value, target),
    )


async def _create(
    session: Session, owner_id: int, kind: FeedKind, target: str, language: str
) -> aiosqlite.Row:
    feed_id = await session.insert(
        "INSERT INTO calendar_feeds (token, owner_id, kind, target, language, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (new_token(), owner_id, kind.value, target, language, to_db(utc_now())),
    )
    row = await session.fetchone("SELECT * FROM calendar_feeds WHERE id = ?", (feed_id,))
    assert row is not None  # just inserted
    return row
