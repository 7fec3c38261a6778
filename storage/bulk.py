"""Bulk loading of generated people, organizations, activities, chats and follows.

For benchmarks and demos only: `bench/generate_population.py` builds a Peru-scale population and
loads it here in seconds; going through the repositories would cost one transaction per
row, several round trips each. The bot itself never uses this module.

Rows are validated and normalized as the repositories do (cleaned names and titles, the folded
`organizations.name_key`, UTC times written by `storage.clock.to_db`, the consent version of a
finished onboarding) and inserted with `executemany`, `batch_size` rows per transaction, with
foreign keys on. Organization, member and chat ids are given by the caller and must be new; a
clash (or any other constraint) rolls back that batch and raises. Activities get ids in the
order given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import TypeVar

from storage.activities import (
    ActivityStatus,
    Category,
    checked_outcome,
    clean_cancel_reason,
    clean_description,
    clean_title,
    db_times,
)
from storage.chats import MAX_REASON_LENGTH, ChatType
from storage.clock import to_db
from storage.db import Database, StorageError
from storage.follows import FollowKind, FollowMode
from storage.members import CONSENT_VERSION, clean_person_name
from storage.models import OrgKind, Role
from storage.normalize import clean_text, fold
from storage.organizations import clean_organization_name

BATCH_SIZE = 10_000
LANGUAGES = frozenset({"es", "en"})

Row = tuple[object, ...]
T = TypeVar("T")


class InvalidBulkRow(StorageError):
    """A generated row that the normal repositories would not have written."""


@dataclass(frozen=True)
class BulkOrganization:
    id: int
    name: str
    kind: OrgKind
    verified: bool
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True)
class BulkMember:
    """A person who finished onboarding: consented, then registered."""

    user_id: int
    language: str
    name: str
    role: Role
    organization_id: int | None
    school_id: int | None
    username: str | None  # shared contact (share_contact = 1); None: not shared
    consent_at: datetime
    registered_at: datetime


@dataclass(frozen=True)
class BulkActivity:
    school_id: int
    organization_id: int | None  # None: announced by a teacher of the school
    author_id: int | None
    title: str
    description: str | None
    category: Category
    starts_at: datetime
    ends_at: datetime
    status: ActivityStatus
    participants: int | None
    cancel_reason: str | None
    reminder_sent_at: datetime | None
    checkin_sent_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class BulkChat:
    """A chat; inactive (the bot was blocked or removed) when `blocked_since` is set."""

    id: int
    type: ChatType
    title: str | None
    language: str | None  # groups only
    created_at: datetime
    blocked_since: datetime | None = None
    inactive_reason: str | None = None


@dataclass(frozen=True)
class BulkFollow:
    chat_id: int
    kind: FollowKind
    target: str  # school id, 6-digit ubigeo or organization id, as text
    mode: FollowMode
    created_at: datetime


@dataclass(frozen=True)
class BulkData:
    organizations: Sequence[BulkOrganization] = ()
    members: Sequence[BulkMember] = ()
    chats: Sequence[BulkChat] = ()
    follows: Sequence[BulkFollow] = ()
    activities: Sequence[BulkActivity] = ()


@dataclass(frozen=True)
class PopulationSchool:
    """An active school as the population generator needs it."""

    id: int
    name: str
    ubigeo: str | None
    region: str | None
    province: str | None
    district: str | None


# --- reading what the generator builds on ---------------------------------------------------


async def active_schools(db: Database) -> list[PopulationSchool]:
    """Every active school, in id order."""
    rows = await db.fetchall(
        "SELECT id, name, ubigeo, region, province, district FROM schools WHERE active = 1"
        " ORDER BY id"
    )
    return [PopulationSchool(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]


async def busiest_schools(db: Database, limit: int) -> list[int]:
    """Ids of the schools with the most activities and teachers: the worst cases for a card."""
    rows = await db.fetchall(
        "SELECT school_id FROM (SELECT school_id FROM activities"
        " UNION ALL SELECT school_id FROM members WHERE school_id IS NOT NULL)"
        " GROUP BY school_id ORDER BY count(*) DESC, school_id LIMIT ?",
        (limit,),
    )
    return [int(row[0]) for row in rows]


async def table_counts(db: Database) -> dict[str, int]:
    """Rows per table the bulk loader writes, plus schools."""
    rows = await db.fetchall(
        "SELECT 'schools', count(*) FROM schools"
        " UNION ALL SELECT 'organizations', count(*) FROM organizations"
        " UNION ALL SELECT 'members', count(*) FROM members"
        " UNION ALL SELECT 'chats', count(*) FROM chats"
        " UNION ALL SELECT 'follows', count(*) FROM follows"
        " UNION ALL SELECT 'activities', count(*) FROM activities"
    )
    return {row[0]: int(row[1]) for row in rows}


# --- rows as stored -------------------------------------------------------------------------


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else to_db(moment)


def organization_row(org: BulkOrganization) -> Row:
    name = clean_organization_name(org.name)
    kind = OrgKind(org.kind).value
    return (org.id, name, fold(name), kind, org.verified, org.created_by, to_db(org.created_at))


def member_row(member: BulkMember) -> Row:
    if member.language not in LANGUAGES:
        raise InvalidBulkRow(f"member {member.user_id}: language {member.language!r}")
    if member.registered_at < member.consent_at:
        raise InvalidBulkRow(f"member {member.user_id}: registered before consenting")
    username = clean_text(member.username) if member.username else None
    consent, registered = to_db(member.consent_at), to_db(member.registered_at)
    return (
        member.user_id, member.language, clean_person_name(member.name), Role(member.role).value,
        member.organization_id, member.school_id, username is not None, username,
        consent, CONSENT_VERSION, registered, consent, registered,
    )  # fmt: skip


@lru_cache(maxsize=8192)
def _title(title: str) -> str:
    return clean_title(title)


@lru_cache(maxsize=8192)
def _description(description: str | None) -> str | None:
    return clean_description(description)


def activity_row(activity: BulkActivity) -> Row:
    starts, ends = db_times(activity.starts_at, activity.ends_at)
    status = ActivityStatus(activity.status)
    if activity.participants is not None:
        checked_outcome(status, activity.participants)
    return (
        activity.school_id, activity.organization_id, activity.author_id,
        _title(activity.title), _description(activity.description),
        Category(activity.category).value, starts, ends, status.value, activity.participants,
        clean_cancel_reason(activity.cancel_reason), _time(activity.reminder_sent_at),
        _time(activity.checkin_sent_at), to_db(activity.created_at), to_db(activity.updated_at),
    )  # fmt: skip


def chat_row(chat: BulkChat) -> Row:
    if chat.language is not None and chat.language not in LANGUAGES:
        raise InvalidBulkRow(f"chat {chat.id}: language {chat.language!r}")
    reason = chat.inactive_reason[:MAX_REASON_LENGTH] if chat.inactive_reason else None
    created = to_db(chat.created_at)
    return (
        chat.id, ChatType(chat.type).value, chat.title, chat.language,
        chat.blocked_since is None, _time(chat.blocked_since), reason, created,
        _time(chat.blocked_since) or created,
    )  # fmt: skip


def follow_row(follow: BulkFollow) -> Row:
    kind = FollowKind(follow.kind)
    if not follow.target.isdigit() or (kind is FollowKind.DISTRICT and len(follow.target) != 6):
        raise InvalidBulkRow(f"follow of chat {follow.chat_id}: target {follow.target!r}")
    mode = FollowMode(follow.mode).value
    return (follow.chat_id, kind.value, follow.target, mode, to_db(follow.created_at))


# --- writing --------------------------------------------------------------------------------

_ORGANIZATIONS = (
    "INSERT INTO organizations (id, name, name_key, kind, verified, created_by, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_MEMBERS = (
    "INSERT INTO members (user_id, language, name, role, organization_id, school_id,"
    " share_contact, username, consent_at, consent_version, registered_at, created_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_CHATS = (
    "INSERT INTO chats (id, type, title, language, active, blocked_since, inactive_reason,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_FOLLOWS = "INSERT INTO follows (chat_id, kind, target, mode, created_at) VALUES (?, ?, ?, ?, ?)"
_ACTIVITIES = (
    "INSERT INTO activities (school_id, organization_id, author_id, title, description,"
    " category, starts_at, ends_at, status, participants, cancel_reason, reminder_sent_at,"
    " checkin_sent_at, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


async def _insert_rows(
    db: Database, sql: str, rows: Sequence[Row], batch_size: int = BATCH_SIZE
) -> int:
    """`rows` in transactions of `batch_size`; returns how many were inserted."""
    for start in range(0, len(rows), batch_size):
        async with db.transaction() as session:
            await session.executemany(sql, rows[start : start + batch_size])
    return len(rows)


async def _load(
    db: Database, sql: str, items: Sequence[T], to_row: Callable[[T], Row], batch_size: int
) -> int:
    return await _insert_rows(db, sql, [to_row(item) for item in items], batch_size)


async def load(db: Database, data: BulkData, *, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Insert everything in dependency order; returns rows inserted per table. Each row is
    checked before anything of its table is written."""
    return {
        "organizations": await _load(
            db, _ORGANIZATIONS, data.organizations, organization_row, batch_size
        ),
        "members": await _load(db, _MEMBERS, data.members, member_row, batch_size),
        "chats": await _load(db, _CHATS, data.chats, chat_row, batch_size),
        "follows": await _load(db, _FOLLOWS, data.follows, follow_row, batch_size),
        "activities": await _load(db, _ACTIVITIES, data.activities, activity_row, batch_size),
    }
