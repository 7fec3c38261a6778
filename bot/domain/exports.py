"""The rules of exporting: which periods a person can ask for, how a typed scope is read, who may
export what, and the file's name. Shared by /exportar, `python -m bot export` and the web page.

Periods are whole days in local time (a coordinator's "this month" is Lima's month), turned into
UTC bounds for storage. Who may export: an admin everything; a coordinator her scopes (a place
covers its schools; an organization scope that organization); an NGO worker her organization.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from storage.exports import (
    DistrictPresence,
    ExportedActivity,
    Exports,
    ExportScope,
    Period,
    QuietSchool,
    ScopeKind,
)
from storage.roles import Permissions

if TYPE_CHECKING:
    from storage import Storage

# The longest period one export may cover: ten years is more than any report needs, and it
# keeps a typo ("2062") from asking for a century.
MAX_PERIOD_DAYS = 3660

_DAY_FORMATS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"),
)
_SCHOOL_CODE = re.compile(r"\d{7}")
_UBIGEO_PREFIX = re.compile(r"\d{2}|\d{4}|\d{6}")


class PeriodChoice(StrEnum):
    THIS_MONTH = "tm"
    LAST_MONTH = "lm"
    THIS_YEAR = "ty"


class PeriodProblem(StrEnum):
    NOT_A_DAY = "not_a_day"  # neither 2026-03-01 nor 01/03/2026, or no such day
    END_BEFORE_START = "end_before_start"
    TOO_LONG = "too_long"


class InvalidPeriod(ValueError):
    def __init__(self, problem: PeriodProblem, text: str = "") -> None:
        super().__init__(f"{problem.value}: {text!r}")
        self.problem = problem
        self.text = text


class InvalidScopeCode(ValueError):
    """Neither a 7-digit código modular nor a 2, 4 or 6-digit ubigeo."""


@dataclass(frozen=True)
class ScopeCode:
    """A typed scope before it is looked up: a school's código modular or an ubigeo prefix."""

    kind: ScopeKind  # SCHOOL (value: cod_mod) or PLACE (value: the prefix)
    value: str


def parse_scope_code(text: str) -> ScopeCode:
    code = text.strip()
    if _SCHOOL_CODE.fullmatch(code):
        return ScopeCode(ScopeKind.SCHOOL, code)
    if _UBIGEO_PREFIX.fullmatch(code):
        return ScopeCode(ScopeKind.PLACE, code)
    raise InvalidScopeCode(text)


def parse_day(text: str) -> date:
    """2026-03-01 or 01/03/2026 (day first, as written in Peru)."""
    for pattern in _DAY_FORMATS:
        match = pattern.fullmatch(text.strip())
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise InvalidPeriod(PeriodProblem.NOT_A_DAY, text)


def days_period(first: date, last: date, tz: ZoneInfo) -> Period:
    """From the start of `first` to the end of `last`, both included, in local time."""
    if last < first:
        raise InvalidPeriod(PeriodProblem.END_BEFORE_START, f"{first} {last}")
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise InvalidPeriod(PeriodProblem.TOO_LONG, f"{first} {last}")
    return Period(_local_midnight(first, tz), _local_midnight(last + timedelta(days=1), tz))


def chosen_period(choice: PeriodChoice, now: datetime, tz: ZoneInfo) -> Period:
    today = now.astimezone(tz).date()
    month_start = today.replace(day=1)
    if choice is PeriodChoice.THIS_MONTH:
        return days_period(month_start, _month_end(month_start), tz)
    if choice is PeriodChoice.LAST_MONTH:
        previous = (month_start - timedelta(days=1)).replace(day=1)
        return days_period(previous, _month_end(previous), tz)
    return days_period(date(today.year, 1, 1), date(today.year, 12, 31), tz)


def period_code(first: date, last: date) -> str:
    """A typed period as a button carries it: '20270301-20270331'."""
    return f"{first:%Y%m%d}-{last:%Y%m%d}"


_PERIOD_CODE = re.compile(r"(\d{8})-(\d{8})")


def period_from_code(code: str, now: datetime, tz: ZoneInfo) -> Period:
    """A PeriodChoice value or a period_code back into a Period; InvalidPeriod if neither."""
    if code in {choice.value for choice in PeriodChoice}:
        return chosen_period(PeriodChoice(code), now, tz)
    match = _PERIOD_CODE.fullmatch(code)
    if match is None:
        raise InvalidPeriod(PeriodProblem.NOT_A_DAY, code)
    try:
        first, last = (datetime.strptime(part, "%Y%m%d").date() for part in match.groups())
    except ValueError:
        raise InvalidPeriod(PeriodProblem.NOT_A_DAY, code) from None
    return days_period(first, last, tz)


async def counted(
    batches: AsyncIterable[Sequence[ExportedActivity]], tally: list[int]
) -> AsyncIterator[Sequence[ExportedActivity]]:
    """The same batches, adding how many rows went by to tally[0] (for the file's caption)."""
    async for batch in batches:
        tally[0] += len(batch)
        yield batch


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


def period_days(period: Period, tz: ZoneInfo) -> tuple[date, date]:
    """The first and last local day of a period (for names and captions)."""
    last = period.end.astimezone(tz) - timedelta(days=1)
    return period.start.astimezone(tz).date(), last.date()


def scopes_for(permissions: Permissions, organization_id: int | None) -> list[ExportScope]:
    """What the person may export, widest first: everywhere (admin or a scope-less
    coordinator), her coordinator scopes, her own organization."""
    if permissions.is_admin or any(s.is_everywhere for s in permissions.coordinator_scopes):
        found = [ExportScope(ScopeKind.EVERYWHERE)]
    else:
        found = [_as_export_scope(s.ubigeo, s.organization_id)
                 for s in permissions.coordinator_scopes]  # fmt: skip
    if organization_id is not None:
        found.append(ExportScope(ScopeKind.ORGANIZATION, str(organization_id)))
    return list(dict.fromkeys(found))  # once each, in this order


def _as_export_scope(ubigeo: str | None, organization_id: int | None) -> ExportScope:
    if ubigeo:
        return ExportScope(ScopeKind.PLACE, ubigeo)
    return ExportScope(ScopeKind.ORGANIZATION, str(organization_id))


def may_export(
    permissions: Permissions,
    organization_id: int | None,
    scope: ExportScope,
    school_ubigeo: str | None = None,
) -> bool:
    """Whether the person may export this scope (for a school, pass its ubigeo)."""
    if permissions.is_admin:
        return True
    if scope.kind is ScopeKind.ORGANIZATION:
        own = organization_id is not None and scope.value == str(organization_id)
        return own or permissions.covers_organization(int(scope.value))
    if scope.kind is ScopeKind.EVERYWHERE:
        return any(s.is_everywhere for s in permissions.coordinator_scopes)
    place = school_ubigeo if scope.kind is ScopeKind.SCHOOL else scope.value
    return bool(place) and permissions.is_coordinator and permissions.covers_ubigeo(str(place))


def file_name(
    scope: ExportScope, period: Period, tz: ZoneInfo, extension: str, cod_mod: str | None = None
) -> str:
    """minka-3w-150135-2026-03-01-2026-03-31.xlsx: what and when, safe on every system. A
    school is named by its código modular when given (`cod_mod`), else by its id."""
    first, last = period_days(period, tz)
    if scope.kind is ScopeKind.EVERYWHERE:
        what = "peru"
    elif scope.kind is ScopeKind.SCHOOL:
        what = "ie" + (cod_mod or scope.value)
    else:
        what = ("org" if scope.kind is ScopeKind.ORGANIZATION else "") + scope.value
    return f"minka-3w-{what}-{first.isoformat()}-{last.isoformat()}.{extension}"


@dataclass(frozen=True)
class ExportContent:
    """What goes in a 3W file: the activities and the quiet schools stream as they are written;
    the presence per district is small and read at once."""

    activities: AsyncIterable[Sequence[ExportedActivity]]
    presence: Sequence[DistrictPresence]
    quiet_schools: AsyncIterable[Sequence[QuietSchool]]


async def export_content(exports: Exports, scope: ExportScope, period: Period) -> ExportContent:
    return ExportContent(
        activities=exports.activities(scope, period),
        presence=await exports.presence_by_district(scope, period),
        quiet_schools=exports.quiet_schools(scope, period),
    )


@dataclass(frozen=True)
class ScopeDescription:
    """What a scope is called, read from the registry and the organizations: a place's name as
    the registry writes it (its level is the ubigeo's length), a school's name and código
    modular, an organization's name. "?" for what is no longer there."""

    kind: ScopeKind
    name: str
    code: str = ""


async def describe_scope(storage: Storage, scope: ExportScope) -> ScopeDescription:
    """The chat (/exportar) and the web overview name scopes the same way from this."""
    if scope.kind is ScopeKind.PLACE:
        parts = await storage.roles.place_parts(scope.value)
        return ScopeDescription(scope.kind, parts[-1] if parts else scope.value, scope.value)
    if scope.kind is ScopeKind.SCHOOL:
        school = await storage.schools.get_by_id(int(scope.value))
        if school is None:
            return ScopeDescription(scope.kind, "?", scope.value)
        return ScopeDescription(scope.kind, school.name, school.cod_mod)
    if scope.kind is ScopeKind.ORGANIZATION:
        organization = await storage.organizations.get(int(scope.value))
        return ScopeDescription(scope.kind, organization.name if organization else "?")
    return ScopeDescription(scope.kind, "")
