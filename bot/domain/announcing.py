"""Announcing and managing activities: the rules, apart from Telegram.

Durations, who may change an activity, the one-line form, and the heads-up sent to the authors
of clashing activities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.dates import DateFlag, ParsedWhen, parse_until, parse_when
from storage.activities import Activity
from storage.models import Member
from storage.roles import Permissions

# Fixed blocks replace the start time: "mañana 8-13" means 8:00 to 13:00 whatever was typed.
BLOCKS = {
    "morning": (time(8), time(13)),
    "afternoon": (time(14), time(18)),
    "day": (time(8), time(17)),
}
HOURS = {"1h": 1, "2h": 2, "3h": 3}
_TYPED_DURATION = re.compile(
    r"^\s*(?P<n>\d{1,2}(?:[.,]5)?)\s*(?:h|hr|hrs|hora|horas|hour|hours)\s*$"
    r"|^\s*(?P<m>\d{2,3})\s*(?:min|mins|minutos|minutes)\s*$",
    re.IGNORECASE,
)


def apply_duration(start: datetime, code: str, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """(start, end) for a duration button; None for an unknown code."""
    if code in HOURS:
        return start, start + timedelta(hours=HOURS[code])
    if code in BLOCKS:
        day = start.astimezone(tz).date()
        first, last = BLOCKS[code]
        return datetime.combine(day, first, tz), datetime.combine(day, last, tz)
    return None


def typed_end(text: str, start: datetime, tz: ZoneInfo) -> datetime | None:
    """The end from typed text: "2 h", "90 min", or "hasta las 12" / "until 5pm"."""
    match = _TYPED_DURATION.match(text)
    if match and match["n"]:
        hours = float(match["n"].replace(",", "."))
        return start + timedelta(hours=hours) if 0 < hours <= 24 else None
    if match and match["m"]:
        minutes = int(match["m"])
        return start + timedelta(minutes=minutes) if 0 < minutes <= 24 * 60 else None
    end = parse_until(text, start.astimezone(tz))
    return end if end is not None and end > start else None


def can_manage(
    member: Member | None, permissions: Permissions, activity: Activity, school_ubigeo: str
) -> bool:
    """The author, members of the same organization, admins, and coordinators whose scope
    covers the activity's school (or its organization) may change an activity."""
    if permissions.is_admin:
        return True
    if permissions.is_coordinator and (
        permissions.covers_ubigeo(school_ubigeo)
        or (
            activity.organization_id is not None
            and permissions.covers_organization(activity.organization_id)
        )
    ):
        return True
    organization_id = member.organization.id if member and member.organization else None
    return activity.is_managed_by(permissions.user_id, organization_id)


@dataclass(frozen=True)
class OneLine:
    """`/anunciar código | título | cuándo | duración`, split and understood."""

    code: str
    title: str
    when: ParsedWhen
    duration_text: str


class OneLineError(ValueError):
    """Which part of the one-line form failed: "usage", "when"; `text` is what was typed."""

    def __init__(self, part: str, text: str = "") -> None:
        super().__init__(part)
        self.part = part
        self.text = text


def parse_one_line(arguments: str, now: datetime, tz: ZoneInfo) -> OneLine:
    parts = [part.strip() for part in arguments.split("|")]
    if len(parts) != 4 or not all(parts):
        raise OneLineError("usage")
    code, title, when_text, duration_text = parts
    when = parse_when(when_text, now=now, tz=tz)
    if when is None or when.is_past:
        raise OneLineError("when", when_text)
    return OneLine(code.replace(" ", ""), title, when, duration_text)


def end_for(when: ParsedWhen, duration_text: str, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """Start and end for the one-line form: a range typed in "cuándo" wins, else the duration."""
    if when.end is not None:
        return when.start, when.end
    code = duration_text.replace(" ", "").lower()
    if code in HOURS:
        return apply_duration(when.start, code, tz)
    end = typed_end(duration_text, when.start, tz)
    return (when.start, end) if end is not None else None


def keep_missing_parts(
    parsed: ParsedWhen, tz: ZoneInfo, *, day: date | None = None, base: datetime | None = None
) -> ParsedWhen:
    """Fill what the person did not type from what the flow already knows: "16:30" after a day
    was picked keeps that day; in an edit, "el viernes" keeps the activity's hour and "16:30"
    its date. The range, if any, moves with the start."""
    start = parsed.start.astimezone(tz)
    known_day = day or (base.astimezone(tz).date() if base else None)
    if DateFlag.NO_DATE in parsed.flags and known_day is not None:
        start = datetime.combine(known_day, start.time(), tz)
    no_time = {DateFlag.NO_TIME, DateFlag.PART_OF_DAY} & parsed.flags
    if no_time and base is not None:
        start = datetime.combine(start.date(), base.astimezone(tz).time(), tz)
    end = parsed.end + (start - parsed.start) if parsed.end is not None else None
    flags = parsed.flags - {DateFlag.NO_DATE} if known_day else parsed.flags
    return replace(parsed, start=start, end=end, flags=flags)
