"""The coordinator's overview: the whole picture of a scope and a period, for the web panel.

A chat answers one school at a time; a coordinator needs every school of her district or UGEL at
once: where nobody works (gaps), where organizations run into each other (overlaps), who does
what where (the 3W matrix). Each answer is one or two indexed queries over a scope's schools,
read on a snapshot connection so the bot's own connection keeps answering people.

Scopes are the exports' (`storage.exports.ExportScope`). An organization's scope is the schools
where it has ever worked: her schools, whose public picture (every organization there) she sees.
Only activities that took place or are planned count: cancelled and rescheduled dates did not
happen. Periods are half-open [start, end) in UTC; an activity of several days counts in every
period its span touches.
"""

from __future__ import annotations

import functools
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import groupby, islice
from operator import itemgetter
from typing import Any, NamedTuple, Protocol, TypeVar, cast
from zoneinfo import ZoneInfo

import aiosqlite

from storage.activities import Category
from storage.clock import from_db
from storage.db import Database
from storage.exports import ExportScope, Period, ScopeKind, scope_params

# The schools of each kind of scope, over schools `s`, with the parameters of _params.
_SCHOOLS_OF = {
    ScopeKind.SCHOOL: " s.id = :scope",
    ScopeKind.PLACE: " s.ubigeo BETWEEN :low AND :high",
    ScopeKind.ORGANIZATION: (
        " s.id IN (SELECT school_id FROM activities WHERE organization_id = :scope)"
    ),
    ScopeKind.EVERYWHERE: " 1 = 1",
}
_HELD = " AND a.status NOT IN ('cancelled', 'rescheduled')"
_IN_PERIOD = " AND a.starts_at < :end AND a.ends_at > :start"

# Activities are counted per school in a subquery first, and the scope's schools joined to those
# counts after (a fifth less time at a UGEL's 20,000 activities than grouping the joined rows).
# The subquery reads the activities of `school_id IN (the scope's schools)`: SQLite sorts that
# list, so the index activities_school_span is read school after school in its own order and
# the counts need no sort of their own (the counts alone ~19 ms instead of ~33 for a UGEL; the
# whole query gains less, within the machine's noise; "all of Peru", 135,000 schools, is ~10 %
# slower this way). Its scope and the outer one's are the same _SCHOOLS_OF: parameters twice.
_MARKERS = (
    "SELECT s.id, s.cod_mod, s.name, s.level, s.ubigeo, s.district, s.latitude, s.longitude,"
    " coalesce(n.activities, 0) AS activities, coalesce(n.orgs, 0) AS orgs"
    " FROM schools s LEFT JOIN (SELECT a.school_id, count(*) AS activities,"
    " count(DISTINCT coalesce(a.organization_id, 0)) AS orgs FROM activities a"
    " WHERE a.school_id IN (SELECT s.id FROM schools s WHERE s.active = 1 AND {scope})"
    + _IN_PERIOD
    + _HELD
    + " GROUP BY a.school_id) n"
    " ON n.school_id = s.id WHERE s.active = 1 AND {scope}"
)

# Grouped over the activities alone, the organizations' names joined to the few groups after.
_MATRIX = (
    "SELECT g.organization_id, o.name AS organization_name, g.key, g.activities, g.schools"
    " FROM (SELECT a.organization_id, {key} AS key, count(*) AS activities,"
    " count(DISTINCT a.school_id) AS schools"
    " FROM schools s JOIN activities a ON a.school_id = s.id"
    " WHERE s.active = 1" + _IN_PERIOD + _HELD + " AND {scope}"
    " GROUP BY a.organization_id, key) g LEFT JOIN organizations o ON o.id = g.organization_id"
    " ORDER BY organization_name, g.key"
)

_GAPS = (
    "SELECT s.id, s.cod_mod, s.name, s.level, s.ubigeo, s.district,"
    " (SELECT max(a.starts_at) FROM activities a WHERE a.school_id = s.id"
    "  AND a.starts_at < :end" + _HELD + ") AS last_activity"
    " FROM schools s WHERE s.active = 1 AND NOT EXISTS (SELECT 1 FROM activities a"
    " WHERE a.school_id = s.id" + _IN_PERIOD + _HELD + ") AND"
)

# Every held activity of the scope in the period, school by school in order of start, with only
# what the overlap rules read (all of it in the index activities_school_span, migration 0017),
# the times as Unix seconds: the sweep (_candidates) runs over plain tuples of numbers, and the
# titles, organizations' and schools' names are read afterwards for the activities of the
# pairs shown only (_PAIRED). At a UGEL's 20,000 activities the sweep took a third of the time
# of the same rule as an SQL self-join (measured again: the join's 20,000 index probes alone
# cost more than reading the rows). unixepoch() costs SQLite ~10 ms more than handing over
# the text for 20,000 rows, but Python then parses nothing (two fromisoformat a row, and the
# week's horizon, cost more) and compares integers; datetimes are made for candidates only.
_SPANS = (
    "SELECT a.school_id, a.id, unixepoch(a.starts_at), unixepoch(a.ends_at), a.repeats_daily,"
    " a.organization_id, a.category FROM schools s JOIN activities a ON a.school_id = s.id"
    " WHERE s.active = 1" + _IN_PERIOD + _HELD + " AND"
)
_PAIRED = (
    "SELECT a.id AS a_id, a.title AS a_title, a.category AS a_category, a.starts_at AS a_starts,"
    " a.ends_at AS a_ends, a.repeats_daily AS a_daily, a.organization_id AS a_org,"
    " o.name AS a_org_name, s.id AS school_id, s.cod_mod, s.name AS school_name, s.district"
    " FROM activities a JOIN schools s ON s.id = a.school_id"
    " LEFT JOIN organizations o ON o.id = a.organization_id"
    " WHERE a.id IN (SELECT value FROM json_each(?))"
)
WEEK = timedelta(days=7)

# One matrix cell's activities (the page lists them; a cell of thousands is summed up anyway).
CELL_LIMIT = 500
_CELL = (
    "SELECT a.id AS a_id, a.title AS a_title, a.category AS a_category,"
    " a.starts_at AS a_starts, a.ends_at AS a_ends, a.organization_id AS a_org,"
    " o.name AS a_org_name, a.repeats_daily AS a_daily, s.id AS school_id,"
    " s.name AS school_name"
    " FROM schools s JOIN activities a ON a.school_id = s.id"
    " LEFT JOIN organizations o ON o.id = a.organization_id"
    " WHERE s.active = 1" + _IN_PERIOD + _HELD + " AND a.organization_id IS :org"
    " AND (:category IS NULL OR a.category = :category)"
    " AND (:ubigeo IS NULL OR s.ubigeo = :ubigeo) AND"
)


class OverlapKind(StrEnum):
    SAME_TIME = "same_time"  # their times overlap
    SAME_WEEK = "same_week"  # the same category in the same (local) week


class SchoolMarker(NamedTuple):
    """A school of the scope with how much happened there in the period.

    A NamedTuple rather than a frozen dataclass (immutable alike, the same fields): a UGEL's
    3,211 markers took 12-18 ms to build as frozen dataclasses, whose __init__ sets each field
    through object.__setattr__, and about 1 ms as tuples (measured)."""

    id: int
    cod_mod: str
    name: str
    level: str | None
    ubigeo: str | None
    district: str | None
    latitude: float | None
    longitude: float | None
    activities: int
    organizations: int  # distinct organizations (the school's own teachers count as one)


class MatrixCell(NamedTuple):
    """One organization (None: the schools' own teachers) under one key (a category or a
    district's ubigeo) in the period. A NamedTuple, as SchoolMarker: a UGEL's matrices are
    1,500 cells."""

    organization_id: int | None
    organization_name: str | None
    key: str | None
    activities: int
    schools: int


@dataclass(frozen=True)
class GapSchool:
    id: int
    cod_mod: str
    name: str
    level: str | None
    ubigeo: str | None
    district: str | None
    last_activity: datetime | None  # the latest start before the period's end; None: never


@dataclass(frozen=True)
class ActivityBrief:
    id: int
    title: str
    category: Category
    starts_at: datetime
    ends_at: datetime
    organization_id: int | None
    organization_name: str | None
    repeats_daily: bool = False  # several days, the hours of starts_at-ends_at on each


@dataclass(frozen=True)
class CellActivity:
    activity: ActivityBrief
    school_id: int
    school_name: str


@dataclass(frozen=True)
class Overlap:
    school_id: int
    cod_mod: str
    school_name: str
    district: str | None
    kind: OverlapKind
    first: ActivityBrief
    second: ActivityBrief


@dataclass(frozen=True)
class FoundOverlaps:
    total: int  # every overlap of the scope and period
    shown: list[Overlap]  # the first ones by time, described


class _Timed(Protocol):
    """What the overlap rules read of an activity: a brief, or a _Span of the sweep."""

    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def repeats_daily(self) -> bool: ...


class _Span(NamedTuple):
    """An activity as the overlap sweep reads it (category as stored)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    repeats_daily: bool
    organization_id: int | None
    category: str


def _time(text: str) -> datetime:
    moment = from_db(text)
    assert moment is not None  # NOT NULL columns
    return moment


def _gap(row: aiosqlite.Row) -> GapSchool:
    return GapSchool(
        id=row["id"], cod_mod=row["cod_mod"], name=row["name"], level=row["level"],
        ubigeo=row["ubigeo"], district=row["district"],
        last_activity=from_db(row["last_activity"]),
    )  # fmt: skip


def _brief(row: aiosqlite.Row, side: str) -> ActivityBrief:
    return ActivityBrief(
        id=row[f"{side}_id"], title=row[f"{side}_title"],
        category=Category(row[f"{side}_category"]), starts_at=_time(row[f"{side}_starts"]),
        ends_at=_time(row[f"{side}_ends"]), organization_id=row[f"{side}_org"],
        organization_name=row[f"{side}_org_name"],
        repeats_daily=bool(row[f"{side}_daily"]),
    )  # fmt: skip


def _stretches(brief: _Timed, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The time an activity takes: one stretch, or one a day when its hours repeat on several
    days (migration 0010). The rule of bot.domain.announcing.occurrences, which storage may not
    import: a campaign 9-13 on three days does not take the afternoons."""
    first, last = brief.starts_at.astimezone(tz), brief.ends_at.astimezone(tz)
    if not brief.repeats_daily or first.date() == last.date():
        return [(brief.starts_at, brief.ends_at)]
    return [
        (first + timedelta(days=n), datetime.combine(first.date() + timedelta(days=n),
                                                     last.time(), tz))
        for n in range((last.date() - first.date()).days + 1)
    ]  # fmt: skip


def _same_time(a: _Timed, b: _Timed, tz: ZoneInfo) -> bool:
    if not (a.starts_at < b.ends_at and b.starts_at < a.ends_at):
        return False  # their whole spans do not meet: no stretch of them can
    if not (a.repeats_daily or b.repeats_daily):
        return True
    return any(s1 < e2 and s2 < e1 for s1, e1 in _stretches(a, tz) for s2, e2 in _stretches(b, tz))


def _local_weeks(brief: _Timed, tz: ZoneInfo) -> tuple[int, int]:
    """The first and last local week an activity touches, as ordinal days of their Mondays."""
    first = brief.starts_at.astimezone(tz).date()
    # ends_at is exclusive: an activity ending at midnight does not touch the next day.
    last = (brief.ends_at - timedelta(microseconds=1)).astimezone(tz).date()
    return first.toordinal() - first.weekday(), last.toordinal() - last.weekday()


def _same_local_week(a: _Timed, b: _Timed, tz: ZoneInfo) -> bool:
    a_first, a_last = _local_weeks(a, tz)
    b_first, b_last = _local_weeks(b, tz)
    return a_first <= b_last and b_first <= a_last


def _overlap_kind(a: _Span, b: _Span, tz: ZoneInfo) -> OverlapKind | None:
    if a.organization_id == b.organization_id:  # one organization (or the teachers) twice
        return None
    if _same_time(a, b, tz):
        return OverlapKind.SAME_TIME
    if a.category == b.category and _same_local_week(a, b, tz):
        return OverlapKind.SAME_WEEK
    return None


_Row = aiosqlite.Row  # of _SPANS: school, id, start, end (Unix seconds), daily, org, category
_WEEK_SECONDS = int(WEEK.total_seconds())


def _span(row: _Row) -> _Span:
    start, end = datetime.fromtimestamp(row[2], UTC), datetime.fromtimestamp(row[3], UTC)
    return _Span(row[1], start, end, bool(row[4]), row[5], row[6])


def _candidates(rows: Sequence[_Row]) -> Iterator[tuple[_Row, _Row]]:
    """The pairs of activities at one school that the rules must look at, from rows of _SPANS
    (school by school, each in order of start): of two organizations, starting within a week
    after the first ends, and either meeting or of one category. Every overlap is among them;
    most of the 20,000 rows of a UGEL are ruled out here on their numbers alone."""
    for _, school in groupby(rows, key=itemgetter(0)):
        held = list(school)
        for index, (_, _, start, end, _, org, category) in enumerate(held):
            horizon = end + _WEEK_SECONDS
            for second in islice(held, index + 1, None):
                if second[2] >= horizon:
                    break  # in order of start: no later one shares a time or a week with it
                if second[5] != org and (
                    second[6] == category or (start < second[3] and second[2] < end)
                ):
                    yield held[index], second


class _Rules:
    """The overlap rules over rows of _SPANS, each activity's datetimes and local weeks made
    once (an activity is in several candidate pairs; most candidates need its weeks only)."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.spans: dict[int, _Span] = {}
        self.weeks: dict[int, tuple[int, int]] = {}

    def span(self, row: _Row) -> _Span:
        found = self.spans.get(row[1])
        return found if found is not None else self.spans.setdefault(row[1], _span(row))

    def local_weeks(self, row: _Row) -> tuple[int, int]:
        found = self.weeks.get(row[1])
        if found is None:
            found = self.weeks[row[1]] = _local_weeks(self.span(row), self.tz)
        return found

    def kind(self, first: _Row, second: _Row) -> OverlapKind | None:
        """_overlap_kind of two candidates, the common cases decided on their numbers."""
        meet = first[2] < second[3] and second[2] < first[3]
        if meet and not (first[4] or second[4]):
            return OverlapKind.SAME_TIME  # whole spans meet and neither repeats daily
        if not meet:  # no stretch meets; a candidate that does not meet shares a category
            (a_first, a_last), (b_first, b_last) = self.local_weeks(first), self.local_weeks(second)
            return OverlapKind.SAME_WEEK if a_first <= b_last and b_first <= a_last else None
        return _overlap_kind(self.span(first), self.span(second), self.tz)


def _overlapping(rows: Sequence[_Row], tz: ZoneInfo) -> list[tuple[OverlapKind, int, int]]:
    """Every overlap among the rows of _SPANS as (kind, first id, second id), by the first
    one's start, then both ids."""
    rules = _Rules(tz)
    found = []
    for first, second in _candidates(rows):
        kind = rules.kind(first, second)
        if kind is not None:
            found.append((first[2], first[1], second[1], kind))
    found.sort(key=itemgetter(0, 1, 2))
    return [(kind, first, second) for _, first, second, kind in found]


# A page's answer is kept for the next request of the same question (scope, period, ...), under
# the overview's data version (migration 0018: a counter that triggers bump in the transaction
# of every change the overview can show). An answer is used only under the version it was read
# at, so nothing kept outlives a change: the next request after an announcement reads afresh.
# Coordinators switch between the pages and come back, and several people look at one UGEL;
# reading a UGEL's 20,000 activities again costs 40-100 ms a page, a kept answer well under 1.
# Memory is bounded by rows over all kept answers: a UGEL's 3,211 markers hold ~2 MB (measured
# with tracemalloc), so KEEP_ROWS is ~12 MB at most; a UGEL's pages are ~5,000 rows together.
KEEP_ANSWERS = 16
KEEP_ROWS = 20_000
_Answer = TypeVar("_Answer")


class KeptAnswers:
    """The last few answers, each with the version it was read at; the oldest go first when
    there are more than `size` or more than `rows` rows in all (a bigger one is not kept)."""

    def __init__(self, size: int = KEEP_ANSWERS, rows: int = KEEP_ROWS) -> None:
        self._size, self._rows, self._held = size, rows, 0
        self._answers: OrderedDict[tuple[Any, ...], tuple[int, Any, int]] = OrderedDict()

    def get(self, key: tuple[Any, ...], version: int) -> Any | None:
        found = self._answers.get(key)
        if found is None or found[0] != version:
            return None
        self._answers.move_to_end(key)
        return found[1]

    def put(self, key: tuple[Any, ...], version: int, answer: Any, rows: int) -> None:
        if rows > self._rows:
            return
        self._drop(key)
        self._answers[key] = (version, answer, rows)
        self._held += rows
        while len(self._answers) > self._size or self._held > self._rows:
            self._drop(next(iter(self._answers)))

    def _drop(self, key: tuple[Any, ...]) -> None:
        dropped = self._answers.pop(key, None)
        if dropped is not None:
            self._held -= dropped[2]


class Overview:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._kept = KeptAnswers()

    async def version(self) -> int:
        """The overview's data version: it changes with every change the overview can show."""
        return int(await self._db.scalar("SELECT version FROM overview_version WHERE id = 1"))

    async def _kept_or_read(
        self,
        key: tuple[Any, ...],
        read: Callable[[], Awaitable[_Answer]],
        rows: Callable[[_Answer], int],
    ) -> _Answer:
        """The answer kept for `key` at the current version, or `read()` (then kept). A change
        committed while reading bumps the version past the one kept with it: the answer is
        never older than the version it is kept under."""
        version = await self.version()
        found = self._kept.get(key, version)
        if found is not None:
            return cast(_Answer, found)
        answer = await read()
        self._kept.put(key, version, answer, rows(answer))
        return answer

    async def schools(self, scope: ExportScope, period: Period) -> list[SchoolMarker]:
        """Every active school of the scope with its activities and organizations in the
        period, by district and name (the map's markers and the list under it)."""
        read = functools.partial(self._read_schools, scope, period)
        markers = await self._kept_or_read(("schools", scope, period), read, len)
        return list(markers)  # a copy: the kept list stays as read

    async def _read_schools(self, scope: ExportScope, period: Period) -> list[SchoolMarker]:
        sql = _MARKERS.format(scope=_SCHOOLS_OF[scope.kind]) + " ORDER BY s.ubigeo, s.name, s.id"
        async with self._db.snapshot() as session:
            rows = await session.fetchall(sql, scope_params(scope, period))
        return [SchoolMarker(*row) for row in rows]

    async def matrix(
        self, scope: ExportScope, period: Period, by_district: bool = False
    ) -> list[MatrixCell]:
        """3W: activities and schools per organization and category (or district's ubigeo)."""
        read = functools.partial(self._read_matrix, scope, period, by_district)
        cells = await self._kept_or_read(("matrix", scope, period, by_district), read, len)
        return list(cells)

    async def _read_matrix(
        self, scope: ExportScope, period: Period, by_district: bool
    ) -> list[MatrixCell]:
        key = "s.ubigeo" if by_district else "a.category"
        sql = _MATRIX.format(key=key, scope=_SCHOOLS_OF[scope.kind])
        async with self._db.snapshot() as session:
            rows = await session.fetchall(sql, scope_params(scope, period))
        return [MatrixCell(*row) for row in rows]

    async def gaps(self, scope: ExportScope, period: Period) -> list[GapSchool]:
        """Active schools of the scope where nothing took place or is planned in the period
        (for "the last N days", a period ending now), with their latest activity before."""
        sql = _GAPS + _SCHOOLS_OF[scope.kind] + " ORDER BY s.ubigeo, s.level, s.name, s.id"
        async with self._db.snapshot() as session:
            rows = await session.fetchall(sql, scope_params(scope, period))
        return [_gap(row) for row in rows]

    async def overlaps(self, scope: ExportScope, period: Period, tz: ZoneInfo) -> list[Overlap]:
        """Activities of different organizations at one school that overlap in time, or share
        a category within the same week (weeks Monday to Sunday in `tz`), by time."""
        return (await self.first_overlaps(scope, period, tz, None)).shown

    async def first_overlaps(
        self, scope: ExportScope, period: Period, tz: ZoneInfo, limit: int | None
    ) -> FoundOverlaps:
        """How many overlaps there are, and the first `limit` of them (None: all) by time, as
        overlaps() gives them. A page shows a few hundred at most: only those are described
        (titles, names), not the thousands a busy UGEL can have."""
        read = functools.partial(self._read_overlaps, scope, period, tz, limit)
        key = ("overlaps", scope, period, tz, limit)
        found = await self._kept_or_read(key, read, lambda found: len(found.shown))
        return FoundOverlaps(found.total, list(found.shown))

    async def _read_overlaps(
        self, scope: ExportScope, period: Period, tz: ZoneInfo, limit: int | None
    ) -> FoundOverlaps:
        sql = _SPANS + _SCHOOLS_OF[scope.kind] + " ORDER BY a.school_id, a.starts_at, a.id"
        async with self._db.snapshot() as session:
            rows = await session.fetchall(sql, scope_params(scope, period))
            pairs = _overlapping(rows, tz)
            shown = pairs if limit is None else pairs[:limit]
            ids = sorted({id for _, *both in shown for id in both})
            details = await session.fetchall(_PAIRED, (json.dumps(ids),)) if ids else []
        schools = {row["a_id"]: row for row in details}
        briefs = {row["a_id"]: _brief(row, "a") for row in details}
        overlaps = [
            Overlap(
                school["school_id"], school["cod_mod"], school["school_name"],
                school["district"], kind, briefs[first], briefs[second],
            )
            for kind, first, second in shown
            for school in (schools[first],)
        ]  # fmt: skip
        return FoundOverlaps(len(pairs), overlaps)

    async def organizations_at(self, school_id: int) -> set[int]:
        """The organizations that ever had an activity at the school (whose people may open
        its card in the overview)."""
        rows = await self._db.fetchall(
            "SELECT DISTINCT organization_id FROM activities"
            " WHERE school_id = ? AND organization_id IS NOT NULL",
            (school_id,),
        )
        return {row[0] for row in rows}

    async def school_activities(self, school_id: int, period: Period) -> list[ActivityBrief]:
        """The school's activities in the period that took place or are planned, by start."""
        rows = await self._db.fetchall(
            "SELECT a.id AS a_id, a.title AS a_title, a.category AS a_category,"
            " a.starts_at AS a_starts, a.ends_at AS a_ends, a.organization_id AS a_org,"
            " o.name AS a_org_name, a.repeats_daily AS a_daily FROM activities a"
            " LEFT JOIN organizations o ON o.id = a.organization_id"
            " WHERE a.school_id = :school" + _IN_PERIOD + _HELD + " ORDER BY a.starts_at, a.id",
            {"school": school_id, **scope_params(ExportScope(ScopeKind.EVERYWHERE), period)},
        )
        return [_brief(row, "a") for row in rows]

    async def district_names(self, ubigeos: Sequence[str]) -> dict[str, str]:
        """The registry's district name of each ubigeo (for the matrix's columns)."""
        # One query for all (a UGEL's 50 districts were 50 round trips); the district of each
        # ubigeo's first school that names one, as the index on ubigeo gives them.
        rows = await self._db.fetchall(
            "SELECT ubigeo, district, min(id) FROM schools WHERE district IS NOT NULL"
            " AND ubigeo IN (SELECT value FROM json_each(?)) GROUP BY ubigeo",
            (json.dumps(list(ubigeos)),),
        )
        found = {row["ubigeo"]: row["district"] for row in rows}
        return {ubigeo: found.get(ubigeo, ubigeo) for ubigeo in ubigeos}

    async def cell_activities(
        self,
        scope: ExportScope,
        period: Period,
        organization_id: int | None,
        category: str | None = None,
        ubigeo: str | None = None,
    ) -> list[CellActivity]:
        """The activities behind one matrix cell: one organization (None: the schools' own
        teachers) in one category or one district, by start (at most CELL_LIMIT)."""
        params = {**scope_params(scope, period), "org": organization_id, "category": category,
                  "ubigeo": ubigeo, "limit": CELL_LIMIT}  # fmt: skip
        sql = (
            _CELL + _SCHOOLS_OF[scope.kind]
            + " ORDER BY a.starts_at, a.id LIMIT :limit"
        )  # fmt: skip
        async with self._db.snapshot() as session:
            rows = await session.fetchall(sql, params)
        return [
            CellActivity(_brief(row, "a"), row["school_id"], row["school_name"]) for row in rows
        ]
