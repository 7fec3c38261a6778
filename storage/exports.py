"""What leaves Minka as data: the activities, organizations and quiet schools of a scope and a
period, for 3W/4W spreadsheets and calendar feeds.

Exports read on a connection of their own (`Database.snapshot`) and stream: a Peru-scale
export (100,000 activities) holds one batch of rows at a time, and the bot's own connection keeps
answering people while it runs. Nothing here returns a person's name or contact: exports carry
organizations and activities only.

Periods are half-open [start, end) in UTC; an activity is in a period when its span overlaps it,
so an activity of several days is in every month it touches. Start and end are read as stored.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import aiosqlite

from storage.activities import ActivityStatus, Category
from storage.clock import from_db, to_db
from storage.db import Database
from storage.models import OrgKind


class ScopeKind(StrEnum):
    SCHOOL = "school"  # value: the school's id
    PLACE = "place"  # value: an ubigeo prefix, 2 (department), 4 (province) or 6 (district)
    ORGANIZATION = "organization"  # value: the organization's id
    EVERYWHERE = "everywhere"  # value: ''


@dataclass(frozen=True)
class ExportScope:
    kind: ScopeKind
    value: str = ""


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class ExportedActivity:
    """One 3W row: an activity with its organization and place. No person in it."""

    id: int
    title: str
    description: str | None
    category: Category
    starts_at: datetime
    ends_at: datetime
    status: ActivityStatus
    participants: int | None
    sequence: int
    created_at: datetime
    updated_at: datetime
    organization_id: int | None  # None: announced by the school's own teachers
    organization_name: str | None
    organization_kind: OrgKind | None
    organization_verified: bool
    cod_mod: str
    school_name: str
    ubigeo: str | None
    region: str | None
    province: str | None
    district: str | None
    # Several days with the same hours each day (migration 0010): starts_at is the first day's
    # start, ends_at the last day's end, and the nights between are not part of it.
    repeats_daily: bool = False


@dataclass(frozen=True)
class DistrictPresence:
    """One organization in one district during the period (cancelled and rescheduled dates,
    which did not take place, are not counted)."""

    ubigeo: str | None
    region: str | None
    province: str | None
    district: str | None
    organization_id: int | None
    organization_name: str | None
    organization_kind: OrgKind | None
    organization_verified: bool
    activities: int
    schools: int
    participants: int


@dataclass(frozen=True)
class QuietSchool:
    cod_mod: str
    name: str
    level: str | None
    ubigeo: str | None
    region: str | None
    province: str | None
    district: str | None


# The columns of ExportedActivity (row_to_exported); calendar feeds read the same.
ACTIVITY_COLUMNS = (
    "SELECT a.id, a.title, a.description, a.category, a.starts_at, a.ends_at, a.status,"
    " a.participants, a.sequence, a.created_at, a.updated_at, a.organization_id,"
    " a.repeats_daily, o.name AS organization_name, o.kind AS organization_kind,"
    " coalesce(o.verified, 0) AS organization_verified, s.cod_mod, s.name AS school_name,"
    " s.ubigeo, s.region, s.province, s.district"
    " FROM activities a JOIN schools s ON s.id = a.school_id"
    " LEFT JOIN organizations o ON o.id = a.organization_id"
)

_OVERLAPS = " AND a.starts_at < :end AND a.ends_at > :start"
_HELD = " AND a.status NOT IN ('cancelled', 'rescheduled')"

_PRESENCE = (
    "SELECT s.ubigeo, s.region, s.province, s.district, a.organization_id,"
    " o.name AS organization_name, o.kind AS organization_kind,"
    " coalesce(o.verified, 0) AS organization_verified, count(*) AS activities,"
    " count(DISTINCT a.school_id) AS schools, coalesce(sum(a.participants), 0) AS participants"
    " FROM activities a JOIN schools s ON s.id = a.school_id"
    " LEFT JOIN organizations o ON o.id = a.organization_id"
)

_QUIET = (
    "SELECT s.cod_mod, s.name, s.level, s.ubigeo, s.region, s.province, s.district"
    " FROM schools s WHERE s.active = 1 AND NOT EXISTS (SELECT 1 FROM activities a"
    " WHERE a.school_id = s.id" + _OVERLAPS + _HELD + ")"
)


# The WHERE part of each kind of scope, over schools `s` and activities `a`, with the
# parameters of scope_params. ubigeo is always 6 digits: department '15' is '150000'..'159999'.
_SCOPE_CONDITIONS = {
    ScopeKind.SCHOOL: " s.id = :scope",
    ScopeKind.PLACE: " s.ubigeo BETWEEN :low AND :high",
    ScopeKind.ORGANIZATION: " a.organization_id = :scope",
    ScopeKind.EVERYWHERE: " 1 = 1",
}


def scope_condition(scope: ExportScope) -> str:
    return _SCOPE_CONDITIONS[scope.kind]


def scope_params(scope: ExportScope, period: Period) -> dict[str, Any]:
    params: dict[str, Any] = {"start": to_db(period.start), "end": to_db(period.end)}
    if scope.kind is ScopeKind.PLACE:
        params["low"], params["high"] = scope.value.ljust(6, "0"), scope.value.ljust(6, "9")
    elif scope.kind in (ScopeKind.SCHOOL, ScopeKind.ORGANIZATION):
        params["scope"] = int(scope.value)
    return params


def _time(text: str) -> datetime:
    moment = from_db(text)
    assert moment is not None  # NOT NULL columns
    return moment


def row_to_exported(row: aiosqlite.Row) -> ExportedActivity:
    kind = row["organization_kind"]
    return ExportedActivity(
        id=row["id"], title=row["title"], description=row["description"],
        category=Category(row["category"]), starts_at=_time(row["starts_at"]),
        ends_at=_time(row["ends_at"]), status=ActivityStatus(row["status"]),
        participants=row["participants"], sequence=row["sequence"],
        created_at=_time(row["created_at"]), updated_at=_time(row["updated_at"]),
        organization_id=row["organization_id"], organization_name=row["organization_name"],
        organization_kind=OrgKind(kind) if kind else None,
        organization_verified=bool(row["organization_verified"]), cod_mod=row["cod_mod"],
        school_name=row["school_name"], ubigeo=row["ubigeo"], region=row["region"],
        province=row["province"], district=row["district"],
        repeats_daily=bool(row["repeats_daily"]),
    )  # fmt: skip


def _row_to_presence(row: aiosqlite.Row) -> DistrictPresence:
    kind = row["organization_kind"]
    return DistrictPresence(
        ubigeo=row["ubigeo"], region=row["region"], province=row["province"],
        district=row["district"], organization_id=row["organization_id"],
        organization_name=row["organization_name"],
        organization_kind=OrgKind(kind) if kind else None,
        organization_verified=bool(row["organization_verified"]),
        activities=row["activities"], schools=row["schools"], participants=row["participants"],
    )  # fmt: skip


class Exports:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def activities(
        self, scope: ExportScope, period: Period
    ) -> AsyncIterator[list[ExportedActivity]]:
        """Every activity of the scope overlapping the period, whatever its status, in batches,
        by start time."""
        sql = (
            ACTIVITY_COLUMNS + " WHERE" + scope_condition(scope) + _OVERLAPS
            + " ORDER BY a.starts_at, a.id"
        )  # fmt: skip
        async with self._db.snapshot() as session:
            async for rows in session.stream(sql, scope_params(scope, period)):
                yield [row_to_exported(row) for row in rows]

    async def presence_by_district(
        self, scope: ExportScope, period: Period
    ) -> list[DistrictPresence]:
        """Who worked where: one row per district and organization (a few thousand at most)."""
        sql = (
            _PRESENCE + " WHERE" + scope_condition(scope) + _OVERLAPS + _HELD
            + " GROUP BY s.ubigeo, a.organization_id"
            " ORDER BY s.ubigeo, activities DESC, o.name"
        )  # fmt: skip
        async with self._db.snapshot() as session:
            rows = await session.fetchall(sql, scope_params(scope, period))
        return [_row_to_presence(row) for row in rows]

    async def quiet_schools(
        self, scope: ExportScope, period: Period
    ) -> AsyncIterator[list[QuietSchool]]:
        """Active schools of the scope where nothing took place or is planned in the period.
        An organization's scope has no schools of its own: nothing is returned for it."""
        if scope.kind is ScopeKind.ORGANIZATION:
            return
        sql = _QUIET + " AND" + scope_condition(scope) + " ORDER BY s.ubigeo, s.name, s.cod_mod"
        async with self._db.snapshot() as session:
            async for rows in session.stream(sql, scope_params(scope, period)):
                yield [QuietSchool(*row) for row in rows]

    async def school_id_by_code(self, cod_mod: str) -> int | None:
        """The school of a código modular (its main anexo first)."""
        return await self._db.scalar(
            "SELECT id FROM schools WHERE cod_mod = ? ORDER BY anexo = '0' DESC, anexo LIMIT 1",
            (cod_mod,),
        )

    async def place_exists(self, ubigeo_prefix: str) -> bool:
        low, high = ubigeo_prefix.ljust(6, "0"), ubigeo_prefix.ljust(6, "9")
        found = await self._db.scalar(
            "SELECT 1 FROM schools WHERE ubigeo BETWEEN ? AND ? LIMIT 1", (low, high)
        )
        return found is not None
