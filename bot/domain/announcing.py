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
from storage.activities import Activity, Category
from storage.models import Member
from storage.normalize import fold
from storage.roles import Permissions

# Blocks only set the end: "hasta la 1 p. m." ends the school morning. They never move a start
# the person already confirmed, and a block that ends before the start is not offered.
BLOCK_ENDS = {"morning": time(13), "afternoon": time(18), "day": time(17)}
HOURS = {"1h": 1, "2h": 2, "3h": 3}
DURATION_CODES = ("1h", "2h", "3h", "morning", "afternoon", "day")
# What the one-line form accepts as a duration besides "2 h" and "hasta las 12" (folded).
_DURATION_WORDS = {
    "todo el dia": "day", "all day": "day", "toda la manana": "morning",
    "toda la tarde": "afternoon", "all morning": "morning", "all afternoon": "afternoon",
}  # fmt: skip
_TYPED_DURATION = re.compile(
    r"^\s*(?P<n>\d{1,2}(?:[.,]5)?)\s*(?:h|hr|hrs|hora|horas|hour|hours)\s*$"
    r"|^\s*(?P<m>\d{2,3})\s*(?:min|mins|minutos|minutes)\s*$",
    re.IGNORECASE,
)
# Durations in words, "tres horas", "una hora y media", "media hora", "two hours": read as the
# digits _TYPED_DURATION takes, so they are never mistaken for an end time ("hasta las 3").
_HOUR_WORDS = {
    "un": "1", "una": "1", "one": "1", "an": "1", "a": "1", "dos": "2", "two": "2", "tres": "3",
    "three": "3", "cuatro": "4", "four": "4", "cinco": "5", "five": "5", "seis": "6", "six": "6",
    "siete": "7", "seven": "7", "ocho": "8", "eight": "8", "nueve": "9", "nine": "9",
    "diez": "10", "ten": "10",
}  # fmt: skip
_WORDED_HOURS = re.compile(
    r"^(?:(?P<n>[a-z]+|\d{1,2})\s+)?(?:hora|horas|hour|hours)"
    r"(?P<half>\s+(?:y|and)\s+(?:media|a half))?$"
)
_HALF_HOUR = re.compile(r"^(?:media hora|half an hour)$")


def digits_for_worded_duration(text: str) -> str:
    """ "tres horas" -> "3 h", "hora y media" -> "1.5 h", "media hora" -> "30 min"; other text
    is returned as it came."""
    folded = " ".join(fold(text).split())
    if _HALF_HOUR.match(folded):
        return "30 min"
    match = _WORDED_HOURS.match(folded)
    if match is None:
        return text
    number = match["n"] or "1"
    hours = number if number.isdigit() else _HOUR_WORDS.get(number)
    if hours is None:
        return text
    return f"{hours}.5 h" if match["half"] else f"{hours} h"


def apply_duration(start: datetime, code: str, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """(start, end) for a duration button; None for an unknown code."""
    if code in HOURS:
        return start, start + timedelta(hours=HOURS[code])
    if code in BLOCK_ENDS:
        end = datetime.combine(start.astimezone(tz).date(), BLOCK_ENDS[code], tz)
        return (start, end) if end > start else None
    return None


def durations_for(start: datetime, tz: ZoneInfo) -> list[str]:
    """The duration buttons that make sense after ``start``: no block ending before it."""
    return [code for code in DURATION_CODES if apply_duration(start, code, tz) is not None]


def end_before_start(text: str, start: datetime, tz: ZoneInfo) -> datetime | None:
    """ "hasta las 2" after a 3 p.m. start: the end that was meant, when it is before the start,
    so the person hears "ends before it starts" rather than "not understood"."""
    local = start.astimezone(tz)
    if parse_until(text, local) is not None:
        return None  # a valid end after the start
    end = parse_until(text, local.replace(hour=0, minute=0, second=0, microsecond=0))
    if end is None or end > start:
        return None
    afternoon = end + timedelta(hours=12)  # "hasta las 2": 14:00 is also before 15:00
    return afternoon if end.hour < 12 and start >= afternoon else end


def typed_end(text: str, start: datetime, tz: ZoneInfo) -> datetime | None:
    """The end from typed text: "2 h", "90 min", "tres horas", or "hasta las 12" / "until 5pm"."""
    match = _TYPED_DURATION.match(digits_for_worded_duration(text))
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
    """`/anunciar escuela | título | cuándo | duración [| categoría]`, split and understood."""

    code: str  # the school as typed, without spaces: a código modular when it is one
    title: str
    when: ParsedWhen
    duration_text: str
    school_text: str = ""  # the school as typed: a name to search when it is not a code
    category: Category | None = None  # the optional fifth field
    when_text: str = ""


class OneLineError(ValueError):
    """Which part of the one-line form failed: "usage", "when", "category"; `text` is what was
    typed. A past moment or a span is not an error here: the flow says what it understood."""

    def __init__(self, part: str, text: str = "") -> None:
        super().__init__(part)
        self.part = part
        self.text = text


def parse_one_line(arguments: str, now: datetime, tz: ZoneInfo) -> OneLine:
    parts = [part.strip() for part in arguments.split("|")]
    if len(parts) not in (4, 5) or not all(parts):
        raise OneLineError("usage")
    school, title, when_text, duration_text = parts[:4]
    category = category_named(parts[4]) if len(parts) == 5 else None
    if len(parts) == 5 and category is None:
        raise OneLineError("category", parts[4])
    when = parse_when(when_text, now=now, tz=tz, spans=True)
    if when is None:
        raise OneLineError("when", when_text)
    return OneLine(school.replace(" ", ""), title, when, duration_text, school, category, when_text)


def end_for(when: ParsedWhen, duration_text: str, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """Start and end for the one-line form: a range typed in "cuándo" wins, else the duration."""
    if when.end is not None:
        return when.start, when.end
    code = duration_text.replace(" ", "").lower()
    if code in HOURS:
        return apply_duration(when.start, code, tz)
    word = _DURATION_WORDS.get(" ".join(fold(duration_text).split()))
    if word is not None:
        return apply_duration(when.start, word, tz)
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
    if DateFlag.NO_TIME in flags and base is not None:
        flags -= {DateFlag.NO_TIME}  # the activity's own hour, kept: not a guess
    return replace(parsed, start=start, end=end, flags=flags)


# Category words (folded): the category's own name in both languages, and words of titles that
# name it. A title matching one category only suggests it; the person confirms.
_CATEGORY_WORDS: dict[Category, tuple[str, ...]] = {
    Category.SALUD: ("salud", "health", "vacuna", "vacunacion", "nutricion", "anemia", "dental",
                     "odontolog", "psicolog", "medic", "tamizaje", "desparasit", "vaccin"),
    Category.LECTURA: ("lectura", "educacion", "reading", "education", "tutoria", "biblioteca",
                       "matematica", "refuerzo", "cuentos", "library", "tutoring"),
    Category.DOCENTES: ("docentes", "docente", "teachers", "teacher", "capacitacion", "maestros",
                        "formacion docente"),
    Category.DEPORTE: ("deporte", "deportes", "sport", "sports", "futbol", "voley", "olimpiada",
                       "campeonato", "educacion fisica", "football"),
    Category.ARTE: ("arte", "art", "musica", "music", "teatro", "theatre", "danza", "dance",
                    "pintura", "painting"),
    Category.DONACION: ("donacion", "donation", "donativo", "entrega de", "kits", "utiles",
                        "donate"),
    Category.INFRAESTRUCTURA: ("infraestructura", "infrastructure", "reparacion", "construccion",
                               "mantenimiento", "pintado", "repair"),
    Category.OTRO: ("otro", "otra", "other"),
}  # fmt: skip


def category_named(text: str) -> Category | None:
    """The category a person typed ("salud", "Lectura y educación", "sports"), or None."""
    folded = fold(text).strip()
    for category, words in _CATEGORY_WORDS.items():
        if folded == category.value or folded.split(" ")[0] in words:
            return category
    return None


def category_suggested(title: str) -> Category | None:
    """The one category whose words appear in the title ("Campaña de vacunación" -> salud);
    None when none or several do: a guess, so the flow shows it and asks."""
    folded = f" {fold(title)} "
    found = {
        category
        for category, words in _CATEGORY_WORDS.items()
        if category is not Category.OTRO and any(f" {word}" in folded for word in words)
    }
    return found.pop() if len(found) == 1 else None


def occurrences(
    starts_at: datetime, ends_at: datetime, repeats_daily: bool, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """The stretches of time an activity takes: one, or one per day when its hours repeat."""
    first, last = starts_at.astimezone(tz), ends_at.astimezone(tz)
    if not repeats_daily or first.date() == last.date():
        return [(starts_at, ends_at)]
    days = (last.date() - first.date()).days + 1
    return [
        (
            first + timedelta(days=n),
            datetime.combine(first.date() + timedelta(days=n), last.time(), tz),
        )
        for n in range(days)
    ]


def really_clashes(
    starts_at: datetime, ends_at: datetime, repeats_daily: bool, other: Activity, tz: ZoneInfo
) -> bool:
    """Overlap on some day and hour: a campaign from 9 to 13 on three days clashes with a
    workshop at 10 on its second day, not with one at 15."""
    mine = occurrences(starts_at, ends_at, repeats_daily, tz)
    theirs = occurrences(other.starts_at, other.ends_at, other.repeats_daily, tz)
    return any(a < d and c < b for a, b in mine for c, d in theirs)
