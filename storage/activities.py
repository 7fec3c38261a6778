"""Activities: what an organization (or a school's own teachers) runs at a school.

Times go in and come out as aware UTC datetimes and are stored by `storage.clock.to_db`, whose one
fixed format makes text comparison in SQL the same as time comparison.

Reminders and check-ins are not scheduled in memory: the periodic job reads what is due
(`due_reminders`, `due_checkins`), composes the messages outside the write lock, and
`claim_reminders` / `claim_checkins` mark each activity and enqueue its message in one write
transaction: claimed means queued, so a restart loses nothing and nothing is claimed twice.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

import aiosqlite

from storage.activity_events import Notice
from storage.activity_events import record as record_event
from storage.clock import from_db, to_db, utc_now
from storage.db import Database, Session, StorageError
from storage.models import OrgKind
from storage.normalize import clean_text
from storage.outbox import OutboxItem, enqueue

MAX_TITLE_LENGTH = 120
MAX_DESCRIPTION_LENGTH = 1000
MAX_CANCEL_REASON_LENGTH = 300
MAX_PARTICIPANTS = 100_000
# "Active at the school": an activity there that is upcoming or started this long ago at most.
PRESENCE_WINDOW = timedelta(days=365)
# A check-in for an activity that ended longer ago than this is dropped (bot was offline).
CHECKIN_MAX_AGE = timedelta(days=7)
# Claimed per call; the job's next tick takes the rest, which keeps sending under rate limits.
CLAIM_BATCH = 100

_BLANK_BUT_NEWLINE = re.compile(r"[^\S\n]")


class Category(StrEnum):
    SALUD = "salud"
    LECTURA = "lectura"  # lectura / educación
    DOCENTES = "docentes"
    DEPORTE = "deporte"
    ARTE = "arte"
    DONACION = "donacion"
    INFRAESTRUCTURA = "infraestructura"
    OTRO = "otro"


class ActivityStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    DONE = "done"
    NOT_HELD = "not_held"
    RESCHEDULED = "rescheduled"


# The answers to the check-in "¿Se realizó?".
OUTCOMES = frozenset({ActivityStatus.DONE, ActivityStatus.NOT_HELD, ActivityStatus.RESCHEDULED})


class InvalidReason(StrEnum):
    """Why an activity was refused; handlers map each to a localized message."""

    TITLE_LENGTH = "title_length"
    DESCRIPTION_LENGTH = "description_length"
    CANCEL_REASON_LENGTH = "cancel_reason_length"
    END_BEFORE_START = "end_before_start"
    UNKNOWN_SCHOOL = "unknown_school"
    UNKNOWN_ORGANIZATION = "unknown_organization"
    UNKNOWN_CATEGORY = "unknown_category"
    NOT_AN_OUTCOME = "not_an_outcome"
    PARTICIPANTS = "participants"


class InvalidActivity(StorageError):
    """Input storage refuses; `reason` says which rule it broke."""

    def __init__(self, reason: InvalidReason, detail: object = None) -> None:
        super().__init__(reason.value if detail is None else f"{reason.value}: {detail!r}")
        self.reason = reason


class ActivityNotFound(StorageError):
    """No activity has this id."""


class ActivityNotScheduled(StorageError):
    """Editing and cancelling need a scheduled activity; recording an outcome needs one that was
    not cancelled. `status` is what it is now, so a handler can say "ya estaba cancelada"."""

    def __init__(self, activity_id: int, status: ActivityStatus) -> None:
        super().__init__(f"activity {activity_id} is {status.value}")
        self.activity_id = activity_id
        self.status = status


@dataclass(frozen=True)
class NewActivity:
    school_id: int
    organization_id: int | None  # None: a teacher announcing for her own school
    author_id: int
    title: str
    description: str | None
    category: Category
    starts_at: datetime
    ends_at: datetime
    repeats_daily: bool = False  # several days, the same hours each day (migration 0010)


@dataclass(frozen=True)
class Activity:
    id: int
    school_id: int
    school_name: str
    codlocal: str | None
    organization_id: int | None
    organization_name: str | None
    author_id: int | None  # None once the author used "forget me"
    author_name: str | None  # None when unknown
    title: str
    description: str | None
    category: Category
    starts_at: datetime
    ends_at: datetime
    status: ActivityStatus
    participants: int | None
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime
    organization_verified: bool = False
    repeats_daily: bool = False  # several days, the hours of starts_at-ends_at on each
    # The author's own school (teachers): names a teacher's activity, and says when it is
    # at a school that is not hers. None for organizations' staff and once the author is gone.
    author_school_id: int | None = None
    author_school_name: str | None = None

    @property
    def is_scheduled(self) -> bool:
        return self.status is ActivityStatus.SCHEDULED

    def is_upcoming(self, now: datetime) -> bool:
        """Still to happen or happening now (what the school card lists)."""
        return self.is_scheduled and self.ends_at > now

    def is_managed_by(self, user_id: int, organization_id: int | None) -> bool:
        """Its author, or anyone of its organization, may edit or cancel it."""
        same_org = self.organization_id is not None and self.organization_id == organization_id
        return same_org or (self.author_id is not None and self.author_id == user_id)


@dataclass(frozen=True)
class OrganizationPresence:
    """One line of /quien: an organization active at a school. organization_id None groups the
    activities the school's own teachers announced ("Docentes de la escuela")."""

    organization_id: int | None
    name: str | None
    kind: OrgKind | None
    verified: bool
    activities: int
    last_at: datetime | None  # latest start up to now
    next_at: datetime | None  # earliest scheduled start after now

    @property
    def is_school_teachers(self) -> bool:
        return self.organization_id is None


class SchoolActivityCounts(NamedTuple):
    upcoming: int
    organizations: int  # organizations proper; the teachers' group is not counted


# --- validation -----------------------------------------------------------------------------


def _spaced(text: str, *, keep_newlines: bool = False) -> str:
    """Tabs and line breaks as plain spaces first: clean_text drops them as control characters,
    so "Paro de", a line break and "transportistas" would become "Paro detransportistas"."""
    one_kind = text.replace("\r\n", "\n")
    spaced = _BLANK_BUT_NEWLINE.sub(" ", one_kind)
    return spaced if keep_newlines else spaced.replace("\n", " ")


def clean_title(title: str) -> str:
    cleaned = clean_text(_spaced(title))
    if not cleaned or len(cleaned) > MAX_TITLE_LENGTH:
        raise InvalidActivity(InvalidReason.TITLE_LENGTH, len(cleaned))
    return cleaned


def clean_description(description: str | None) -> str | None:
    """Line breaks are kept (lists of what to bring); blank means no description."""
    cleaned = clean_text(_spaced(description or "", keep_newlines=True), keep_newlines=True)
    if len(cleaned) > MAX_DESCRIPTION_LENGTH:
        raise InvalidActivity(InvalidReason.DESCRIPTION_LENGTH, len(cleaned))
    return cleaned or None


def clean_cancel_reason(reason: str | None) -> str | None:
    cleaned = clean_text(_spaced(reason or ""))
    if len(cleaned) > MAX_CANCEL_REASON_LENGTH:
        raise InvalidActivity(InvalidReason.CANCEL_REASON_LENGTH, len(cleaned))
    return cleaned or None


def db_times(starts_at: datetime, ends_at: datetime) -> tuple[str, str]:
    """Both times as stored. Compared after to_db drops sub-seconds, as the CHECK will see them."""
    starts, ends = to_db(starts_at), to_db(ends_at)
    if ends <= starts:
        raise InvalidActivity(InvalidReason.END_BEFORE_START)
    return starts, ends


def checked_category(category: str) -> Category:
    try:
        return Category(category)
    except ValueError:
        raise InvalidActivity(InvalidReason.UNKNOWN_CATEGORY, category) from None


def checked_outcome(status: ActivityStatus, participants: int | None) -> None:
    if status not in OUTCOMES:
        raise InvalidActivity(InvalidReason.NOT_AN_OUTCOME, status)
    if participants is None:
        return
    if status is not ActivityStatus.DONE or not 0 <= participants <= MAX_PARTICIPANTS:
        raise InvalidActivity(InvalidReason.PARTICIPANTS, participants)


# --- rows -----------------------------------------------------------------------------------

_SELECT = (
    "SELECT a.*, s.name AS school_name, s.codlocal AS codlocal,"
    " o.name AS organization_name, COALESCE(o.verified, 0) AS organization_verified,"
    " m.name AS author_name, m.school_id AS author_school_id, ms.name AS author_school_name"
    " FROM activities a JOIN schools s ON s.id = a.school_id"
    " LEFT JOIN organizations o ON o.id = a.organization_id"
    " LEFT JOIN members m ON m.user_id = a.author_id"
    " LEFT JOIN schools ms ON ms.id = m.school_id"
)

# Scheduled, not over yet: what "upcoming" means everywhere.
_UPCOMING = " WHERE a.status = 'scheduled' AND a.ends_at > :now"

# "Active at the school" (/quien, school card): upcoming, or started within PRESENCE_WINDOW.
# Cancelled and rescheduled dates did not take place and were withdrawn or replaced: they make
# nobody active and are not counted.
_ACTIVE_AT_SCHOOL = (
    " WHERE a.school_id = :school AND a.starts_at >= :since"
    " AND a.status NOT IN ('cancelled', 'rescheduled')"
)

_PRESENCE = (
    "SELECT a.organization_id, o.name, o.kind, coalesce(o.verified, 0) AS verified,"
    " count(*) AS activities,"
    " max(CASE WHEN a.starts_at <= :now THEN a.starts_at END) AS last_at,"
    " min(CASE WHEN a.status = 'scheduled' AND a.starts_at > :now THEN a.starts_at END)"
    "  AS next_at"
    " FROM activities a LEFT JOIN organizations o ON o.id = a.organization_id"
    + _ACTIVE_AT_SCHOOL
    + " GROUP BY a.organization_id"
    " ORDER BY next_at IS NULL, next_at, activities DESC, last_at DESC, o.name"
)

_UPCOMING_ORDER = " ORDER BY a.starts_at, a.id LIMIT :limit"
_UPCOMING_AT_SCHOOL = _SELECT + _UPCOMING + " AND a.school_id = :owner" + _UPCOMING_ORDER
_UPCOMING_OF_ORGANIZATION = (
    _SELECT + _UPCOMING + " AND a.organization_id = :owner" + _UPCOMING_ORDER
)
_UPCOMING_OF_AUTHOR = _SELECT + _UPCOMING + " AND a.author_id = :owner" + _UPCOMING_ORDER
# Activities whose author used /olvidarme, at schools whose ubigeo starts with :owner.
_UPCOMING_WITHOUT_AUTHOR = (
    _SELECT
    + _UPCOMING
    + " AND a.author_id IS NULL AND s.ubigeo LIKE :owner || '%'"
    + _UPCOMING_ORDER
)


def _time(text: str) -> datetime:
    moment = from_db(text)
    assert moment is not None  # NOT NULL columns
    return moment


def row_to_activity(row: aiosqlite.Row) -> Activity:
    return Activity(
        id=row["id"], school_id=row["school_id"], school_name=row["school_name"],
        codlocal=row["codlocal"], organization_id=row["organization_id"],
        organization_name=row["organization_name"], author_id=row["author_id"],
        author_name=row["author_name"], title=row["title"], description=row["description"],
        category=Category(row["category"]), starts_at=_time(row["starts_at"]),
        ends_at=_time(row["ends_at"]), status=ActivityStatus(row["status"]),
        participants=row["participants"], cancel_reason=row["cancel_reason"],
        created_at=_time(row["created_at"]), updated_at=_time(row["updated_at"]),
        organization_verified=bool(row["organization_verified"]),
        repeats_daily=bool(row["repeats_daily"]),
        author_school_id=row["author_school_id"], author_school_name=row["author_school_name"],
    )  # fmt: skip


def row_to_presence(row: aiosqlite.Row) -> OrganizationPresence:
    return OrganizationPresence(
        organization_id=row["organization_id"],
        name=row["name"],
        kind=OrgKind(row["kind"]) if row["kind"] else None,
        verified=bool(row["verified"]),
        activities=row["activities"],
        last_at=from_db(row["last_at"]),
        next_at=from_db(row["next_at"]),
    )


async def _after(session: Session, activity_id: int, notice: Notice | None) -> Activity:
    activity = await _fetch(session, activity_id)
    if notice is not None:
        await record_event(session, activity.id, activity.updated_at, notice)
    return activity


async def _fetch(session: Session, activity_id: int) -> Activity:
    row = await session.fetchone(_SELECT + " WHERE a.id = ?", (activity_id,))
    if row is None:
        raise ActivityNotFound(activity_id)
    return row_to_activity(row)


async def fetch_many(session: Session, activity_ids: Sequence[int]) -> list[Activity]:
    """Activities by id inside the caller's transaction (an import's summary to followers)."""
    rows = await session.fetchall(
        _SELECT + " WHERE a.id IN (SELECT value FROM json_each(?)) ORDER BY a.starts_at, a.id",
        (json.dumps(list(activity_ids)),),
    )
    return [row_to_activity(row) for row in rows]


async def _require_status(
    session: Session, activity_id: int, allowed: frozenset[ActivityStatus]
) -> aiosqlite.Row:
    row = await session.fetchone("SELECT * FROM activities WHERE id = ?", (activity_id,))
    if row is None:
        raise ActivityNotFound(activity_id)
    status = ActivityStatus(row["status"])
    if status not in allowed:
        raise ActivityNotScheduled(activity_id, status)
    return row


def _presence_params(school_id: int, now: datetime) -> dict[str, Any]:
    return {"school": school_id, "now": to_db(now), "since": to_db(now - PRESENCE_WINDOW)}


def _count(row: aiosqlite.Row | None) -> int:
    """The value of a `SELECT count(...)` row."""
    return 0 if row is None else int(row[0])


_SCHEDULED_ONLY = frozenset({ActivityStatus.SCHEDULED})
_OUTCOME_FROM = frozenset({ActivityStatus.SCHEDULED, *OUTCOMES})


# --- the repository -------------------------------------------------------------------------


class Activities:
    def __init__(self, db: Database) -> None:
        self._db = db

    # --- creating and reading ---

    async def create(self, new: NewActivity, *, notice: Notice | None = None) -> Activity:
        """Insert; with `notice`, its event for the followers (and the heads-ups) is recorded
        in the same transaction: the activity and what it causes are written together or not
        at all (storage.activity_events)."""
        params = self._insert_params(new)
        async with self._db.transaction() as session:
            await self._check_references(session, new.school_id, new.organization_id)
            activity_id = await session.insert(
                "INSERT INTO activities (school_id, organization_id, author_id, title,"
                " description, category, starts_at, ends_at, repeats_daily, status, created_at,"
                " updated_at) VALUES (:school_id, :organization_id, :author_id, :title,"
                " :description, :category, :starts_at, :ends_at, :repeats_daily, 'scheduled',"
                " :now, :now)",
                params,
            )
            return await _after(session, activity_id, notice)

    @staticmethod
    def _insert_params(new: NewActivity) -> dict[str, Any]:
        """Validated and cleaned, before the write lock is taken."""
        starts, ends = db_times(new.starts_at, new.ends_at)
        return {
            "school_id": new.school_id, "organization_id": new.organization_id,
            "author_id": new.author_id, "title": clean_title(new.title),
            "description": clean_description(new.description),
            "category": checked_category(new.category).value,
            "starts_at": starts, "ends_at": ends, "now": to_db(utc_now()),
            "repeats_daily": int(new.repeats_daily),
        }  # fmt: skip

    @staticmethod
    async def _check_references(session: Session, school_id: int, org_id: int | None) -> None:
        """A typed reason instead of a bare foreign-key IntegrityError."""
        if await session.scalar("SELECT 1 FROM schools WHERE id = ?", (school_id,)) is None:
            raise InvalidActivity(InvalidReason.UNKNOWN_SCHOOL, school_id)
        if org_id is not None and (
            await session.scalar("SELECT 1 FROM organizations WHERE id = ?", (org_id,)) is None
        ):
            raise InvalidActivity(InvalidReason.UNKNOWN_ORGANIZATION, org_id)

    async def many(self, activity_ids: Sequence[int]) -> list[Activity]:
        """Activities by id, soonest first (what an import changed, for its followers)."""
        async with self._db.read() as session:
            return await fetch_many(session, activity_ids)

    async def get(self, activity_id: int) -> Activity | None:
        row = await self._db.lookup(_SELECT + " WHERE a.id = ?", (activity_id,))
        return None if row is None else row_to_activity(row)

    async def clashes(
        self,
        school_id: int,
        starts_at: datetime,
        ends_at: datetime,
        *,
        exclude_id: int | None = None,
    ) -> list[Activity]:
        """Scheduled activities in the same school or building (CODLOCAL) overlapping
        [starts_at, ends_at). One ending exactly when the other starts does not clash."""
        starts, ends = db_times(starts_at, ends_at)
        rows = await self._db.fetchall(
            _SELECT + " WHERE a.status = 'scheduled' AND a.ends_at > :starts"
            " AND a.starts_at < :ends AND a.id IS NOT :exclude"
            " AND a.school_id IN (SELECT :school UNION SELECT id FROM schools"
            "  WHERE codlocal = (SELECT codlocal FROM schools WHERE id = :school))"
            " ORDER BY a.starts_at, a.id",
            {"starts": starts, "ends": ends, "exclude": exclude_id, "school": school_id},
        )
        return [row_to_activity(row) for row in rows]

    async def upcoming_at_school(
        self, school_id: int, now: datetime, limit: int = 5
    ) -> list[Activity]:
        # One school's next few, through activities_school_time: a lookup (0.1-0.5 ms at the
        # busiest school of the Peru-scale data). The other `_upcoming` reads can be long.
        rows = await self._db.lookup_all(
            _UPCOMING_AT_SCHOOL, {"now": to_db(now), "owner": school_id, "limit": limit}
        )
        return [row_to_activity(row) for row in rows]

    async def upcoming_for_organization(
        self, org_id: int, now: datetime, limit: int = 20
    ) -> list[Activity]:
        return await self._upcoming(_UPCOMING_OF_ORGANIZATION, org_id, now, limit)

    async def upcoming_for_author(
        self, author_id: int, now: datetime, limit: int = 20
    ) -> list[Activity]:
        return await self._upcoming(_UPCOMING_OF_AUTHOR, author_id, now, limit)

    async def upcoming_without_author(
        self, ubigeo_prefix: str, now: datetime, limit: int = 20
    ) -> list[Activity]:
        """Upcoming activities whose author erased their data, at schools inside the place
        (an ubigeo prefix; "" is everywhere): coordinators there look after them."""
        return await self._upcoming(_UPCOMING_WITHOUT_AUTHOR, ubigeo_prefix, now, limit)

    async def _upcoming(
        self, sql: str, owner: int | str, now: datetime, limit: int
    ) -> list[Activity]:
        rows = await self._db.fetchall(sql, {"now": to_db(now), "owner": owner, "limit": limit})
        return [row_to_activity(row) for row in rows]

    async def organizations_at_school(
        self, school_id: int, now: datetime
    ) -> list[OrganizationPresence]:
        """Who is active at the school: upcoming activities or started within PRESENCE_WINDOW.
        Soonest next activity first; then those without one, most activities first."""
        rows = await self._db.lookup_all(_PRESENCE, _presence_params(school_id, now))
        return [row_to_presence(row) for row in rows]

    async def schools_with_activities(self, school_ids: Sequence[int], now: datetime) -> set[int]:
        """Which of these schools have an activity that organizations_at_school or
        upcoming_at_school could show (a superset: one query, to skip the quiet ones)."""
        if not school_ids:
            return set()
        marks = ", ".join("?" * len(school_ids))
        rows = await self._db.fetchall(
            f"SELECT DISTINCT school_id FROM activities WHERE school_id IN ({marks})"
            " AND (ends_at > ? OR starts_at >= ?)",
            (*school_ids, to_db(now), to_db(now - PRESENCE_WINDOW)),
        )
        return {row[0] for row in rows}

    async def counts_at_school(self, school_id: int, now: datetime) -> SchoolActivityCounts:
        """For the school card: upcoming activities, and organizations active (same window as
        organizations_at_school, the teachers' group left out)."""
        params = _presence_params(school_id, now)
        # One school's rows through its indexes: lookups, with nothing awaited between them.
        upcoming = await self._db.lookup(
            "SELECT count(*) FROM activities a" + _UPCOMING + " AND a.school_id = :school",
            params,
        )
        organizations = await self._db.lookup(
            "SELECT count(DISTINCT a.organization_id) FROM activities a" + _ACTIVE_AT_SCHOOL,
            params,
        )
        return SchoolActivityCounts(_count(upcoming), _count(organizations))

    async def latest_with_author(self, organization_id: int, school_id: int) -> Activity | None:
        """The organization's latest activity at the school whose author is still known: whom
        "Escribir a <organización>" on /quien reaches."""
        row = await self._db.fetchone(
            _SELECT + " WHERE a.organization_id = ? AND a.school_id = ? AND a.author_id IS NOT NULL"
            " ORDER BY a.starts_at DESC, a.id DESC LIMIT 1",
            (organization_id, school_id),
        )
        return None if row is None else row_to_activity(row)

    async def recent_schools_of_author(self, author_id: int, limit: int = 5) -> list[int]:
        """Schools the person announced for lately, to offer them first for the next one."""
        # max(id) is creation order, with no ties between activities created the same second.
        rows = await self._db.lookup_all(  # one person's rows, through activities_author_time
            "SELECT school_id FROM activities WHERE author_id = ?"
            " GROUP BY school_id ORDER BY max(id) DESC LIMIT ?",
            (author_id, limit),
        )
        return [row["school_id"] for row in rows]

    # --- changing ---

    async def update(
        self,
        activity_id: int,
        *,
        title: str | None = None,
        description: str | None = None,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        repeats_daily: bool | None = None,
        notice: Notice | None = None,
    ) -> Activity:
        """Change what is given (None: unchanged; description "" removes it). Only a scheduled
        activity may change. A new time gets its own reminder and check-in. `notice` is
        recorded in the same transaction."""
        async with self._db.transaction() as session:
            row = await _require_status(session, activity_id, _SCHEDULED_ONLY)
            changes = _updated_fields(row, title, description, starts_at, ends_at)
            await session.execute(
                "UPDATE activities SET title = :title, description = :description,"
                " starts_at = :starts_at, ends_at = :ends_at, updated_at = :now,"
                " repeats_daily = COALESCE(:repeats_daily, repeats_daily),"
                " reminder_sent_at = CASE WHEN :time_changed THEN NULL ELSE reminder_sent_at END,"
                " checkin_sent_at = CASE WHEN :time_changed THEN NULL ELSE checkin_sent_at END"
                " WHERE id = :id",
                {
                    **changes,
                    "now": to_db(utc_now()),
                    "id": activity_id,
                    "repeats_daily": None if repeats_daily is None else int(repeats_daily),
                },
            )
            return await _after(session, activity_id, notice)

    async def cancel(
        self, activity_id: int, reason: str | None = None, *, notice: Notice | None = None
    ) -> Activity:
        """Only a scheduled activity can be cancelled: a second cancel raises
        ActivityNotScheduled (status CANCELLED), so a double tap is told, not hidden. `notice`
        is recorded in the same transaction."""
        cleaned = clean_cancel_reason(reason)
        async with self._db.transaction() as session:
            await _require_status(session, activity_id, _SCHEDULED_ONLY)
            await session.execute(
                "UPDATE activities SET status = 'cancelled', cancel_reason = ?, updated_at = ?"
                " WHERE id = ?",
                (cleaned, to_db(utc_now()), activity_id),
            )
            return await _after(session, activity_id, notice)

    async def record_outcome(
        self, activity_id: int, status: ActivityStatus, participants: int | None = None
    ) -> Activity:
        """The check-in's answer. It may be corrected (a mistaken "No" then "Sí"), but a
        cancelled activity has no outcome. With DONE, participants=None keeps a count already
        given, so "Sí" and then the number can be two calls; other outcomes clear it."""
        checked_outcome(status, participants)
        async with self._db.transaction() as session:
            await _require_status(session, activity_id, _OUTCOME_FROM)
            await session.execute(
                "UPDATE activities SET status = :status, updated_at = :now,"
                " participants = CASE WHEN :status = 'done'"
                "  THEN coalesce(:participants, participants) END"
                " WHERE id = :id",
                {"status": status.value, "participants": participants,
                 "now": to_db(utc_now()), "id": activity_id},
            )  # fmt: skip
            return await _fetch(session, activity_id)

    # --- the periodic job ---

    async def due_reminders(
        self, now: datetime, lead: timedelta, *, limit: int = CLAIM_BATCH
    ) -> list[Activity]:
        """Scheduled activities starting within `lead` from now whose author has not been
        reminded, soonest first. One that already started gets no late reminder. A read: the
        job composes the reminders from it, then claims them with `claim_reminders`."""
        rows = await self._db.fetchall(
            _SELECT + " WHERE " + _DUE_REMINDER + " ORDER BY a.starts_at, a.id LIMIT :limit",
            {**_reminder_window(now, lead), "limit": limit},
        )
        return [row_to_activity(row) for row in rows]

    async def due_checkins(
        self, now: datetime, *, max_age: timedelta = CHECKIN_MAX_AGE, limit: int = CLAIM_BATCH
    ) -> list[Activity]:
        """Scheduled activities that ended (at most `max_age` ago) and whose author has not been
        asked "¿Se realizó?", earliest ended first. A read, like `due_reminders`."""
        rows = await self._db.fetchall(
            _SELECT + " WHERE " + _DUE_CHECKIN + " ORDER BY a.ends_at, a.id LIMIT :limit",
            {**_checkin_window(now, max_age), "limit": limit},
        )
        return [row_to_activity(row) for row in rows]

    async def claim_reminders(
        self, now: datetime, lead: timedelta, messages: Sequence[DueMessage]
    ) -> list[Activity]:
        """Mark each composed reminder's activity as reminded and enqueue the reminder, in one
        transaction (claimed = queued), if it is still due and unchanged; returns those."""
        return await self._claim("reminder", _CLAIM_REMINDER, _reminder_window(now, lead), messages)

    async def claim_checkins(
        self,
        now: datetime,
        messages: Sequence[DueMessage],
        *,
        max_age: timedelta = CHECKIN_MAX_AGE,
    ) -> list[Activity]:
        """Like `claim_reminders`, for the check-ins after activities."""
        return await self._claim("checkin", _CLAIM_CHECKIN, _checkin_window(now, max_age), messages)

    async def _claim(
        self,
        kind: str,
        mark: str,
        window: dict[str, Any],
        messages: Sequence[DueMessage],
    ) -> list[Activity]:
        # One write transaction (BEGIN IMMEDIATE): another coroutine or process claiming the same
        # rows waits, then finds them marked. An activity edited since it was read (updated_at
        # moved) is left for the next run, so nobody is reminded of an old title or time.
        claimed = []
        async with self._db.transaction() as session:
            for activity, item in messages:
                marked = await session.execute(mark, {**window, **_as_read(activity)})
                if marked:
                    key = f"{kind}:{activity.id}:{to_db(activity.starts_at)}"
                    await enqueue(session, key, [item])
                    claimed.append(activity)
        return claimed


class DueMessage(NamedTuple):
    """A reminder or check-in composed (outside the write lock) for an activity as it was read."""

    activity: Activity
    item: OutboxItem


_DUE_REMINDER = (
    "a.status = 'scheduled' AND a.reminder_sent_at IS NULL AND a.author_id IS NOT NULL"
    " AND a.starts_at > :now AND a.starts_at <= :horizon"
)
_DUE_CHECKIN = (
    "a.status = 'scheduled' AND a.checkin_sent_at IS NULL AND a.author_id IS NOT NULL"
    " AND a.ends_at <= :now AND a.ends_at > :oldest"
)

# Mark one activity, if it is still due and unchanged since it was read (updated_at has a
# resolution of one second, so what the message shows is compared too).
_UNCHANGED = "a.id = :id AND a.updated_at = :updated AND a.title = :title AND a.starts_at = :starts"
_CLAIM_REMINDER = (
    "UPDATE activities AS a SET reminder_sent_at = :now WHERE "
    + _UNCHANGED
    + " AND "
    + _DUE_REMINDER
)
_CLAIM_CHECKIN = (
    "UPDATE activities AS a SET checkin_sent_at = :now WHERE " + _UNCHANGED + " AND " + _DUE_CHECKIN
)


def _as_read(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "updated": to_db(activity.updated_at),
        "title": activity.title,
        "starts": to_db(activity.starts_at),
    }


def _reminder_window(now: datetime, lead: timedelta) -> dict[str, Any]:
    return {"now": to_db(now), "horizon": to_db(now + lead)}


def _checkin_window(now: datetime, max_age: timedelta) -> dict[str, Any]:
    return {"now": to_db(now), "oldest": to_db(now - max_age)}


def _updated_fields(
    row: aiosqlite.Row,
    title: str | None,
    description: str | None,
    starts_at: datetime | None,
    ends_at: datetime | None,
) -> dict[str, Any]:
    """The row's new values, validated as on create, and whether its time moved."""
    starts = to_db(starts_at) if starts_at is not None else row["starts_at"]
    ends = to_db(ends_at) if ends_at is not None else row["ends_at"]
    if ends <= starts:
        raise InvalidActivity(InvalidReason.END_BEFORE_START)
    return {
        "title": row["title"] if title is None else clean_title(title),
        "description": (
            row["description"] if description is None else clean_description(description)
        ),
        "starts_at": starts,
        "ends_at": ends,
        "time_changed": (starts, ends) != (row["starts_at"], row["ends_at"]),
    }
