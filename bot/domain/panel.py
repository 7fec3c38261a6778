"""Who sees what in the web overview, and how its addresses name a scope and a period.

The overview shows a scope (a place, an organization's schools, one school, or all of Peru)
for a period. A coordinator sees her scopes with the consented contacts; an NGO worker her
organization's schools, without contacts (the public picture); a teacher her own school. The
rule is the exports' (`may_export`), so a page and its export never disagree, plus a teacher's
school. Every page checks it on the server: a scope typed into the address that the person may
not see is refused (403), never quietly widened or narrowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.exports import days_period, may_export, scopes_for
from storage.exports import ExportScope, Period, ScopeKind
from storage.models import Member
from storage.roles import Permissions

# Gaps: "no activity in the last N days", N from this range (a year at most).
DEFAULT_GAP_DAYS = 60
MAX_GAP_DAYS = 366
# The default period: the 30 days before today and the 30 after (what was and what comes).
DEFAULT_SPAN_DAYS = 30

_SCOPE_PARAM = re.compile(r"(?P<kind>place|org|school)-(?P<value>\d{1,9})|peru")
_PARAM_KIND = {"place": ScopeKind.PLACE, "org": ScopeKind.ORGANIZATION, "school": ScopeKind.SCHOOL}
_KIND_PARAM = {kind: name for name, kind in _PARAM_KIND.items()}


class BadAddress(ValueError):
    """A scope, period or number in the address that cannot be read (answered 400)."""


class BadPeriod(BadAddress):
    """Dates in the address that make no period: not real days, the end before the start,
    too long, or beyond the calendar (answered 400 with what a period may be)."""


@dataclass(frozen=True)
class Viewer:
    """The person looking at the overview, with what she may see."""

    user_id: int
    language: str
    permissions: Permissions
    member: Member | None

    @property
    def organization_id(self) -> int | None:
        org = self.member.organization if self.member else None
        return org.id if org else None

    @property
    def sees_contacts(self) -> bool:
        """Coordinators and admins coordinate people; others see the public picture."""
        return self.permissions.is_admin or self.permissions.is_coordinator

    def scopes(self) -> list[ExportScope]:
        """What she may look at, widest first; her school last for a teacher."""
        found = scopes_for(self.permissions, self.organization_id)
        school = self.member.school_id if self.member else None
        if school is not None:
            found.append(ExportScope(ScopeKind.SCHOOL, str(school)))
        return list(dict.fromkeys(found))

    def may_see(self, scope: ExportScope, school_ubigeo: str | None = None) -> bool:
        own_school = self.member.school_id if self.member else None
        if scope.kind is ScopeKind.SCHOOL and scope.value == str(own_school):
            return True
        return may_export(self.permissions, self.organization_id, scope, school_ubigeo)


def scope_param(scope: ExportScope) -> str:
    if scope.kind is ScopeKind.EVERYWHERE:
        return "peru"
    return f"{_KIND_PARAM[scope.kind]}-{scope.value}"


def parse_scope_param(text: str) -> ExportScope:
    match = _SCOPE_PARAM.fullmatch(text)
    if match is None:
        raise BadAddress(f"scope {text!r}")
    if text == "peru":
        return ExportScope(ScopeKind.EVERYWHERE)
    kind, value = _PARAM_KIND[match["kind"]], match["value"]
    if kind is ScopeKind.PLACE and len(value) not in (2, 4, 6):
        raise BadAddress(f"scope {text!r}")
    return ExportScope(kind, value)


def default_days(now: datetime, tz: ZoneInfo) -> tuple[date, date]:
    today = now.astimezone(tz).date()
    span = timedelta(days=DEFAULT_SPAN_DAYS)
    return today - span, today + span


def parse_days(first: str | None, last: str | None, now: datetime, tz: ZoneInfo) -> Period:
    """The period of ?from=YYYY-MM-DD&to=YYYY-MM-DD (a date input's format), both included."""
    default_first, default_last = default_days(now, tz)
    try:
        start = date.fromisoformat(first) if first else default_first
        end = date.fromisoformat(last) if last else default_last
        return days_period(start, end, tz)
    # InvalidPeriod is a ValueError too; year 9999's last day has no midnight after it.
    except (ValueError, OverflowError) as exc:
        raise BadPeriod(f"period {first!r} {last!r}") from exc


def gap_period(days_text: str | None, now: datetime) -> tuple[int, Period]:
    """ "No activity in the last N days": the N days up to now."""
    text = days_text or str(DEFAULT_GAP_DAYS)
    if not text.isdigit() or not 1 <= int(text) <= MAX_GAP_DAYS:
        raise BadAddress(f"days {days_text!r}")
    days = int(text)
    return days, Period(now - timedelta(days=days), now)
