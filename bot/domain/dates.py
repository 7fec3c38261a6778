"""When something happens, as teachers in Peru type it ("el próximo lunes a las 3 de la tarde").

``parse_when(text, now=...)`` returns a ``ParsedWhen``: an aware start (and end, for ranges), plus
a ``DateFlag`` for every guess it had to make, or None when the text is not a moment it understands.
The module is pure: no I/O, no user-facing text (``format_when`` only spells a moment out).

How: the text is normalised (case, accents, "a. m.", number words, ordinals), then a fixed list of
compiled patterns, tried in order, each cut out the pieces they understand (a date, a time, a
range...). If only filler words ("el", "de", "at"...) remain, the pieces are combined. If unknown
words remain, dateparser gets the text as a last resort and its answer carries FALLBACK. The own
grammar comes first because dateparser 1.5 misses or misreads the most common phrases ("pasado
mañana", "mañana a las 9" -> 10:00, "15 de diciembre a las 10" -> year 2110).

Decisions (each guess leaves a flag, so the caller can show the moment back and ask):

- Base: ``now`` is converted to ``tz`` (Lima); all calendar reasoning uses Lima's wall clock.
- Weekdays: "lunes", "el lunes", "este lunes", "el próximo lunes", "el lunes que viene" and "next
  monday" all mean the first Monday strictly after today: on a Sunday that is tomorrow, on a Monday
  it is a week ahead (today would be "hoy"). "el lunes de la próxima semana" / "monday next week"
  is the Monday of the next Monday-to-Sunday week.
- "lunes 30" is a date when the next 30th is a Monday; otherwise a number up to 23 after a weekday
  is the hour ("lunes 9" = Monday 9:00). A weekday that contradicts an explicit date keeps the
  date and adds WEEKDAY_MISMATCH.
- Dates without a year: the next occurrence, judged by day. A day earlier than today moves to the
  next year (NEXT_YEAR); today stays today (IN_PAST if its time has passed). Explicit years are
  kept as typed, past or far (IN_PAST / FAR_FUTURE). Numeric dates are always day first ("5/12" is
  5 December).
- "el 5" (BARE_DAY): the next 5th, this month if not yet gone, else the next month having it.
- Hours without a.m./p.m.: 1-7 -> p.m. (ASSUMED_PM, "a las 3" at school is 15:00), 8-11 -> a.m.
  (ASSUMED_AM), 12 -> noon. 0, 13-23, a leading zero ("09:00") and "9h" are 24-hour: no guess.
  "12 m." is noon (Peruvian usage). "de la mañana/tarde/noche", "por la tarde", "in the morning" or
  am/pm settle it. "12 de la noche" and "medianoche" are the midnight that ends that day; "2 de la
  noche" is refused (that night or the next one?).
- Part of day only ("por la mañana" / "tarde" / "noche"): 09:00 / 15:00 / 19:00, PART_OF_DAY.
- No time: 09:00 with NO_TIME; for today after 09:00, the next full hour (the default never lands
  behind ``now`` on its own).
- No date ("a las 3", "por la tarde"): today if still ahead, else tomorrow, with NO_DATE.
- Ranges ("de 9 a 11", "9:00-11:00", "a las 9 hasta las 12"): the end is on the start's day and
  after it. An am/pm or part of day written on the end also applies to the start if that keeps the
  order ("de 3 a 5 de la tarde"); an ambiguous end is the first reading after the start ("de 10 a
  1" = 10:00-13:00).
- A number after "el"/"día"/"the" is a day: "el 5 por la tarde" is the 5th at 15:00, while
  "5 por la tarde" is 17:00. "9-11 de la mañana" is a range of hours when it reads as one,
  "1-3 en la noche" is 1 March.
- Contradictions (two different dates, two times) and impossible values (31/02, 25:00) -> None.
- Words outside the grammar send the whole text to dateparser (FALLBACK) and, failing that, give
  None: "mañana a las 9 en el colegio" is refused rather than half-read.
- Vague periods ("la próxima semana", "next week", "fin de mes") -> None: there is no day to offer.
- IN_PAST and FAR_FUTURE (> 366 days ahead) are computed on the final moment, whatever path
  produced it, so no past moment or far year is ever returned silently.
- Input longer than ``MAX_INPUT_CHARS`` -> None without parsing.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import partial
from typing import Final, Literal, TypeVar
from zoneinfo import ZoneInfo

__all__ = [
    "LIMA",
    "MAX_INPUT_CHARS",
    "DateFlag",
    "Language",
    "ParsedWhen",
    "format_when",
    "parse_until",
    "parse_when",
    "warm_up",
]

LIMA: Final = ZoneInfo("America/Lima")
MAX_INPUT_CHARS: Final = 160  # a date phrase is short; longer text is a message, not a moment
FAR_FUTURE_AFTER: Final = timedelta(days=366)
DEFAULT_START_MINUTES: Final = 9 * 60
DAY_MINUTES: Final = 24 * 60

Language = Literal["es", "en"]


class DateFlag(StrEnum):
    """A guess made while reading the text; the caller shows the moment back when any is set."""

    NO_TIME = "no_time"  # no time given: DEFAULT_START_MINUTES (or the next full hour today)
    NO_DATE = "no_date"  # only a time given: today if still ahead, else tomorrow
    ASSUMED_PM = "assumed_pm"  # hour 1-7 without a.m./p.m. read as p.m.
    ASSUMED_AM = "assumed_am"  # hour 8-11 without a.m./p.m. read as a.m.
    PART_OF_DAY = "part_of_day"  # only "por la mañana/tarde/noche": a representative hour
    BARE_DAY = "bare_day"  # "el 5": the month was chosen
    NEXT_YEAR = "next_year"  # a date without a year was moved to a later year
    WEEKDAY_MISMATCH = "weekday_mismatch"  # "viernes 1 de diciembre" when the 1st is a Tuesday
    IN_PAST = "in_past"  # the moment is before ``now``
    FAR_FUTURE = "far_future"  # more than 366 days after ``now``
    FALLBACK = "fallback"  # read by dateparser, not by this module's grammar


# Guesses right often enough that, alone, they need no question ("a las 9" is 9 a.m. at school).
_CONFIDENT_GUESSES: Final = frozenset({DateFlag.ASSUMED_AM})
_MISSING_TIME: Final = frozenset({DateFlag.NO_TIME, DateFlag.PART_OF_DAY})


@dataclass(frozen=True)
class ParsedWhen:
    """A moment read from text: aware in the requested tz, with every guess flagged."""

    start: datetime
    end: datetime | None = None
    flags: frozenset[DateFlag] = frozenset()

    @property
    def is_past(self) -> bool:
        return DateFlag.IN_PAST in self.flags

    @property
    def needs_time(self) -> bool:
        """The text gave no precise time: ask for one."""
        return bool(self.flags & _MISSING_TIME)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.flags - _CONFIDENT_GUESSES)


class _NotUnderstood(Exception):
    """The text names a moment that cannot exist or contradicts itself."""


# --- vocabulary (normalised: lower case, no accents) ------------------------------------------

_WEEKDAYS: Final[Mapping[str, int]] = {
    "lunes": 0, "lun": 0, "monday": 0, "mon": 0,
    "martes": 1, "tuesday": 1, "tue": 1, "tues": 1,
    "miercoles": 2, "mie": 2, "wednesday": 2, "wed": 2,
    "jueves": 3, "jue": 3, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "viernes": 4, "vie": 4, "friday": 4, "fri": 4,
    "sabado": 5, "sab": 5, "saturday": 5, "sat": 5,
    "domingo": 6, "dom": 6, "sunday": 6, "sun": 6,
}  # fmt: skip

# "mar" is March, never Tuesday: Spanish writes "mar" for marzo far more than for martes.
_MONTHS: Final[Mapping[str, int]] = {
    "enero": 1, "ene": 1, "january": 1, "jan": 1,
    "febrero": 2, "feb": 2, "february": 2,
    "marzo": 3, "mar": 3, "march": 3,
    "abril": 4, "abr": 4, "april": 4, "apr": 4,
    "mayo": 5, "may": 5,
    "junio": 6, "jun": 6, "june": 6,
    "julio": 7, "jul": 7, "july": 7,
    "agosto": 8, "ago": 8, "august": 8, "aug": 8,
    "setiembre": 9, "septiembre": 9, "set": 9, "sep": 9, "sept": 9, "september": 9,
    "octubre": 10, "oct": 10, "october": 10,
    "noviembre": 11, "nov": 11, "november": 11,
    "diciembre": 12, "dic": 12, "december": 12, "dec": 12,
}  # fmt: skip

_NUMBER_WORDS: Final[Mapping[str, int]] = {
    "un": 1, "uno": 1, "una": 1, "primero": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
    "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18,
    "diecinueve": 19, "veinte": 20, "veintiun": 21, "veintiuno": 21, "veintidos": 22,
    "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29, "treinta": 30, "treinta y un": 31, "treinta y uno": 31,
    "one": 1, "first": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30,
}  # fmt: skip

_RELATIVE_DAYS: Final[Mapping[str, int]] = {
    "anteayer": -2, "antier": -2, "ayer": -1, "yesterday": -1, "hoy": 0, "today": 0,
    "manana": 1, "tomorrow": 1, "tmrw": 1, "pasado manana": 2, "day after tomorrow": 2,
}  # fmt: skip

_UNIT_DAYS: Final[Mapping[str, int]] = {
    "dia": 1, "dias": 1, "day": 1, "days": 1, "semana": 7, "semanas": 7, "week": 7, "weeks": 7,
}  # fmt: skip
_UNIT_MONTHS: Final = frozenset({"mes", "meses", "month", "months"})
_UNIT_MINUTES: Final[Mapping[str, int]] = {
    "h": 60, "hora": 60, "horas": 60, "hour": 60, "hours": 60,
    "min": 1, "mins": 1, "minuto": 1, "minutos": 1, "minute": 1, "minutes": 1,
}  # fmt: skip

# Last word of a part-of-day phrase -> its kind.
_PART_KINDS: Final[Mapping[str, str]] = {
    "manana": "morning", "morning": "morning", "madrugada": "early",
    "tarde": "afternoon", "afternoon": "afternoon", "mediodia": "afternoon",
    "noche": "night", "evening": "night", "night": "night", "tonight": "night",
}  # fmt: skip
_PART_DEFAULT_MINUTES: Final[Mapping[str, int]] = {
    "morning": 9 * 60, "afternoon": 15 * 60, "night": 19 * 60,
}  # fmt: skip

# Words that carry no meaning once the date and time pieces are cut out.
_FILLER_WORDS: Final = frozenset({
    "el", "la", "las", "los", "lo", "de", "del", "a", "al", "en", "para", "este", "esta", "dia",
    "the", "at", "on", "this", "for", "y", "and", "desde", "from",
    "como", "tipo", "aprox", "aproximadamente", "around", "about", "approx",
})  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation, longest first so "pasado manana" wins over "manana"."""
    escaped = (re.escape(word).replace(r"\ ", r"\s+") for word in words)
    return "|".join(sorted(escaped, key=len, reverse=True))


# --- normalisation --------------------------------------------------------------------------

_Replacement = str | Callable[[re.Match[str]], str]
_NORMALISE_STEPS: Final[tuple[tuple[re.Pattern[str], _Replacement], ...]] = (
    (re.compile(r"(?<![a-z])([ap])\s*\.?\s*m\b\.?"), r" \1m "),  # "a. m.", "p.m", "PM" -> am/pm
    (re.compile(r"\bmedio\s+dia\b"), "mediodia"),
    (re.compile(r"\bo\s*['’]?\s*clock\b"), " "),
    (re.compile(r"(\d{4}-\d{1,2}-\d{1,2})t(?=\d)"), r"\1 "),  # ISO "2026-12-15T10:00"
    (
        re.compile(rf"\b(?:{_alternation(_NUMBER_WORDS)})\b"),
        lambda m: str(_NUMBER_WORDS[" ".join(m.group(0).split())]),
    ),
    (re.compile(r"(\d)(?:st|nd|rd|th|ero|er|ro|do|to|vo|mo|no|o|°|ª)(?![a-z])"), r"\1"),
    (re.compile(r"(\d)\s*(?:hrs?|horas?|hs)\b"), r"\1h"),  # "15 hrs", "15:00 horas" -> 15h
    (re.compile(r"(?<!\d)\.|\.(?!\d)"), " "),  # dots only matter inside "9.30"
    (re.compile(r"[^a-z0-9:/.\- ]+"), " "),
)


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for pattern, replacement in _NORMALISE_STEPS:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


# --- pieces the patterns produce ------------------------------------------------------------


@dataclass(frozen=True)
class _Clock:
    """A time of day as typed, before any a.m./p.m. guess."""

    hour: int
    minute: int = 0
    suffix: str | None = None  # "am", "pm", "m" (noon, Peru's "12 m."), "h" (24-hour)
    part: str | None = None  # a _PART_KINDS value
    zero_padded: bool = False


class _DateSpec:
    """A piece naming a calendar day; resolved against today."""

    def resolve(self, today: date) -> tuple[date, frozenset[DateFlag]]:
        raise NotImplementedError


@dataclass(frozen=True)
class _DayOffset(_DateSpec):
    days: int

    def resolve(self, today: date) -> tuple[date, frozenset[DateFlag]]:
        return today + timedelta(days=self.days), frozenset()


@dataclass(frozen=True)
class _MonthOffset(_DateSpec):
    months: int

    def resolve(self, today: date) -> tuple[date, frozenset[DateFlag]]:
        index = today.month - 1 + self.months
        year, month = today.year + index // 12, index % 12 + 1
        last_day = calendar.monthrange(year, month)[1]  # "en un mes" from 31 Jan -> 28/29 Feb
        return _checked_date(year, month, min(today.day, last_day)), frozenset()


@dataclass(frozen=True)
class _CalendarDay(_DateSpec):
    day: int
    month: int
    year: int | None

    def resolve(self, today: date) -> tuple[date, frozenset[DateFlag]]:
        if self.year is not None:
            return _checked_date(self.year, self.month, self.day), frozenset()
        for year in range(today.year, today.year + 9):  # 29 February recurs within 8 years
            candidate = _valid_date(year, self.month, self.day)
            if candidate is not None and candidate >= today:
                later = year > today.year
                return candidate, frozenset({DateFlag.NEXT_YEAR} if later else ())
        raise _NotUnderstood


@dataclass(frozen=True)
class _BareDay(_DateSpec):
    day: int
    after_weekday: bool = False  # "lunes 9": may turn out to be an hour

    def resolve(self, today: date) -> tuple[date, frozenset[DateFlag]]:
        year, month = today.year, today.month
        for _ in range(13):
            candidate = _valid_date(year, month, self.day)
            if candidate is not None and candidate >= today:
                return candidate, frozenset({DateFlag.BARE_DAY})
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise _NotUnderstood


@dataclass(frozen=True)
class _Weekday:
    """A weekday: a date on its own, a consistency check next to an explicit date."""

    weekday: int
    next_week: bool = False

    def resolve(self, today: date) -> date:
        if self.next_week:
            return today + timedelta(days=7 - today.weekday() + self.weekday)
        return today + timedelta(days=(self.weekday - today.weekday() - 1) % 7 + 1)


@dataclass(frozen=True)
class _At:
    clock: _Clock


@dataclass(frozen=True)
class _Range:
    start: _Clock
    end: _Clock


@dataclass(frozen=True)
class _Until:
    clock: _Clock


@dataclass(frozen=True)
class _PartOfDay:
    kind: str


@dataclass(frozen=True)
class _BareNumber:
    """A lone number: an hour only next to a date ("mañana 9")."""

    value: int


@dataclass(frozen=True)
class _Delay:
    """An exact moment after ``now`` ("en 2 horas"), not a day plus a time."""

    minutes: int


_Piece = _DateSpec | _Weekday | _At | _Range | _Until | _PartOfDay | _BareNumber | _Delay
_Builder = Callable[[re.Match[str]], list[_Piece] | None]  # None: not a match after all
_Times = tuple[int, int | None, frozenset[DateFlag]]  # start and end minutes, and their guesses


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _checked_date(year: int, month: int, day: int) -> date:
    found = _valid_date(year, month, day)
    if found is None:
        raise _NotUnderstood
    return found


# --- patterns (over normalised text) --------------------------------------------------------

_SUFFIX = r"(?:am|pm|h|m)\b"
_PART = (
    r"(?:(?:de|por|en)\s+la\s+(?:manana|tarde|noche|madrugada)|del\s+mediodia"
    r"|in\s+the\s+(?:morning|afternoon|evening)|at\s+night)"
)
_FRACTION = r"(?:\s+y\s+(?:media|cuarto|\d{1,2})|\s+menos\s+(?:cuarto|\d{1,2}))"
_CLOCK_ANY = (
    rf"\d{{1,2}}(?!\d)(?:[:.]\d{{2}}(?::\d{{2}})?)?{_FRACTION}?(?:\s*{_SUFFIX})?(?:\s+{_PART})?"
)
# A clock that cannot be a day or a count: it has minutes, a suffix or "y media"...
_CLOCK_MARKED = (
    rf"\d{{1,2}}(?::\d{{2}}(?::\d{{2}})?(?:\s*{_SUFFIX})?|(?:\.\d{{2}})?\s*{_SUFFIX}"
    rf"|\s+y\s+(?:media|cuarto)(?:\s*{_SUFFIX})?)(?:\s+{_PART})?"
)
# ...or a part of day ("3 de la tarde"), unless a day comes first ("el 5 por la tarde").
_CLOCK_PARTED = rf"\d{{1,2}}{_FRACTION}?\s+{_PART}"
_CLOCK_STRONG = rf"{_CLOCK_MARKED}|{_CLOCK_PARTED}"
_CLOCK_TEXT_RE: Final = re.compile(
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2})(?::\d{2})?)?"
    r"(?:\s+y\s+(?P<plus>media|cuarto|\d{1,2})|\s+menos\s+(?P<minus>cuarto|\d{1,2}))?"
    r"(?:\s*(?P<suffix>am|pm|h|m))?"
    rf"(?:\s+(?P<part>{_PART}))?"
)
_NOON = r"(?:mediodia|noon|midday)"
_MONTH_WORDS = _alternation(_MONTHS)
_NOT_A_TIME_AHEAD = r"(?!\s*(?:am|pm|h)\b)"
_PART_AHEAD_RE: Final = re.compile(rf"\s+{_PART}")

_ISO_DATE_RE: Final = re.compile(
    r"(?<![\d/.-])(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})(?![\d/-])"
)
# "15/12", "15-12", "15/12/26"; but "de 9-11" and "9-11am" are ranges of hours.
_NUMERIC_DATE_RE: Final = re.compile(
    r"(?<![\d:/.-])(?<!\bde )(?<!\bdesde )(?<!\bfrom )(?P<day>\d{1,2})[/-](?P<month>\d{1,2})"
    rf"(?:[/-](?P<year>\d{{4}}|\d{{2}}))?(?![\d:/-]){_NOT_A_TIME_AHEAD}"
)
_DOTTED_DATE_RE: Final = re.compile(  # "15.12.2026": needs the year, or "9.30" would be a date
    r"(?<![\d:/.-])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}|\d{2})(?![\d.])"
)
# Not after "a", "las", "at": in "de 1 a 2 enero 5" and "a las 1 enero 24" the 1 and 2 are hours.
_DAY_MONTH_RE: Final = re.compile(
    r"(?<![\d:/.-])(?<!\ba )(?<!\bto )(?<!\bla )(?<!\blas )(?<!\bat )"
    rf"\b(?P<day>\d{{1,2}})\s*(?:de\s+|of\s+)?(?P<month>{_MONTH_WORDS})\b"
    r"(?:\s+(?:de\s+|del\s+)?(?P<year>\d{4})\b)?"
)
_MONTH_DAY_RE: Final = re.compile(
    rf"\b(?P<month>{_MONTH_WORDS})\s+(?P<day>\d{{1,2}})(?![\d:.]){_NOT_A_TIME_AHEAD}"
    r"(?:\s+(?:de\s+|del\s+)?(?P<year>\d{4})\b)?"
)
_UNIT_WORDS = _alternation([*_UNIT_DAYS, *_UNIT_MONTHS, *_UNIT_MINUTES])
_IN_UNITS_RE: Final = re.compile(
    rf"\b(?:(?:en|in|dentro\s+de)\s+(?P<count>\d{{1,3}}|an?)\s*(?P<unit>{_UNIT_WORDS})"
    rf"|(?P<count_from>\d{{1,3}}|an?)\s*(?P<unit_from>{_UNIT_WORDS})\s+from\s+(?:now|today))\b"
)
_RANGE_SEPARATOR = r"(?:\s*-\s*|\s+(?:a|hasta|to|until|till|y|and)\s+(?:las?\s+)?)"
_KEYWORD_RANGE_RE: Final = re.compile(
    rf"\b(?:de|desde|entre|from|between)\s+(?:las?\s+)?(?P<start>{_CLOCK_ANY})"
    rf"{_RANGE_SEPARATOR}(?P<end>{_CLOCK_ANY})"
)
# Without a keyword, "el 1 a las 3" is a day and a time, not a range from 1 to 3.
_PLAIN_RANGE_RE: Final = re.compile(
    r"(?<![\d:/.-])(?<!\bel )(?<!\bdia )(?<!\bthe )"
    rf"(?P<start>{_CLOCK_ANY})(?:\s*-\s*|\s+(?:a(?!\s+las?\b)|hasta|to|until|till)\s+(?:las?\s+)?)"
    rf"(?P<end>{_CLOCK_ANY})"
)
_STRONG_CLOCK_RE: Final = re.compile(_CLOCK_STRONG)
_UNTIL_PREFIX = r"(?:hasta|until|till|to)\s+(?:(?:las?|el|al|the)\s+)?"
_UNTIL_RE: Final = re.compile(rf"\b{_UNTIL_PREFIX}(?P<clock>{_CLOCK_ANY}|{_NOON}\b)")
_CLOCK_RE: Final = re.compile(
    rf"\b(?:a\s+las?|at|las|desde\s+las?|from)\s+(?P<led>{_CLOCK_ANY})"
    rf"|(?<![\d:/.-])(?P<marked>{_CLOCK_MARKED})"
    rf"|(?<![\d:/.-])(?<!\bel )(?<!\bdia )(?<!\bthe )(?P<parted>{_CLOCK_PARTED})"
)
_NOON_RE: Final = re.compile(rf"\b{_NOON}\b")
_MIDNIGHT_RE: Final = re.compile(r"\b(?:(?:a|at)\s+)?(?:medianoche|midnight)\b")
_PART_OF_DAY_RE: Final = re.compile(
    r"\b(?:(?P<this>esta|this)\s+(?:manana|tarde|noche|morning|afternoon|evening)"
    r"|(?P<tonight>tonight)|(?:por|en|de)\s+la\s+(?:manana|tarde|noche)"
    r"|(?:in\s+the\s+)?(?:morning|afternoon|evening)|(?:at\s+)?night)\b"
)
_RELATIVE_DAY_RE: Final = re.compile(rf"\b(?:{_alternation(_RELATIVE_DAYS)})\b")
_NEXT_WEEK = (
    r"(?:de\s+la\s+(?:proxima|siguiente|otra)\s+semana|de\s+la\s+semana\s+que\s+viene"
    r"|(?:of\s+)?next\s+week)"
)
_WEEKDAY_RE: Final = re.compile(
    rf"\b(?:(?:proximo|proxima|siguiente|next|coming)\s+)?(?P<weekday>{_alternation(_WEEKDAYS)})\b"
    rf"(?:\s+(?:proximo|que\s+viene)\b|\s+(?P<next_week>{_NEXT_WEEK}))?"
    r"(?:\s+(?P<day>\d{1,2})(?![\d:/.-]))?"
)
_BARE_DAY_RE: Final = re.compile(
    r"\b(?:el\s+(?:dia\s+)?|dia\s+|(?:on\s+)?the\s+)(?P<day>\d{1,2})(?![\d:/.-])"
)
_BARE_NUMBER_RE: Final = re.compile(r"(?<![\w:/.-])(?P<number>\d{1,2})(?![\w:/.-])")
_VAGUE_PERIOD_RE: Final = re.compile(
    r"\b(?:semanas?|weeks?|weekend|mes|meses|months?|anos?|years?|quincena|fin)\b"
)
_HAS_LETTER_RE: Final = re.compile(r"[a-z]{2,}")


# --- builders: a match -> pieces -------------------------------------------------------------


def _parse_clock(text: str) -> _Clock:
    found = _CLOCK_TEXT_RE.fullmatch(text)
    if found is None:
        raise _NotUnderstood
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if found["plus"]:
        minute += _fraction_minutes(found["plus"])
    if found["minus"]:
        hour, minute = hour - 1, minute + 60 - _fraction_minutes(found["minus"])
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise _NotUnderstood
    part = _PART_KINDS[found["part"].split()[-1]] if found["part"] else None
    padded = found["hour"].startswith("0") and len(found["hour"]) == 2
    return _Clock(hour, minute, found["suffix"], part, padded)


def _fraction_minutes(word: str) -> int:
    return {"media": 30, "cuarto": 15}.get(word) or int(word)


def _build_calendar_day(match: re.Match[str]) -> list[_Piece]:
    month_text, year_text = match["month"], match["year"]
    month = _MONTHS.get(month_text) or int(month_text)
    year = None if year_text is None else int(year_text)
    if year is not None and year < 100:
        year += 2000  # "15/12/26"
    if not (1 <= month <= 12 and 1 <= int(match["day"]) <= 31):
        raise _NotUnderstood
    return [_CalendarDay(int(match["day"]), month, year)]


def _build_numeric_date(match: re.Match[str]) -> list[_Piece] | None:
    return None if _reads_as_hours(match) else _build_calendar_day(match)


def _reads_as_hours(match: re.Match[str]) -> bool:
    """'9-11 de la mañana' is a range of hours; '15/12' and '1-3 en la noche' stay dates."""
    part = _PART_AHEAD_RE.match(match.string, match.end())
    if part is None or "/" in match.group(0) or match["year"] is not None:
        return False
    try:
        start, end = (_parse_clock(match[side] + part.group(0)) for side in ("day", "month"))
        _span_minutes(start, end)
    except _NotUnderstood:
        return False
    return True


def _build_in_units(match: re.Match[str]) -> list[_Piece]:
    count_text = match["count"] or match["count_from"]
    unit = match["unit"] or match["unit_from"]
    count = 1 if count_text in ("a", "an") else int(count_text)
    if unit in _UNIT_MONTHS:
        return [_MonthOffset(count)]
    if unit in _UNIT_DAYS:
        return [_DayOffset(count * _UNIT_DAYS[unit])]
    return [_Delay(count * _UNIT_MINUTES[unit])]


def _build_range(match: re.Match[str]) -> list[_Piece]:
    return [_Range(_parse_clock(match["start"]), _parse_clock(match["end"]))]


def _build_plain_range(match: re.Match[str]) -> list[_Piece] | None:
    # Without "de"/"from", "9 a 11" could be anything; one side must clearly be a time.
    sides = (match["start"], match["end"])
    if not any(_STRONG_CLOCK_RE.fullmatch(side) for side in sides):
        return None
    return _build_range(match)


def _build_until(match: re.Match[str]) -> list[_Piece]:
    return [_Until(_clock_or_noon(match["clock"]))]


def _clock_or_noon(text: str) -> _Clock:
    return _Clock(12, 0, "m") if _NOON_RE.fullmatch(text) else _parse_clock(text)


def _build_clock(match: re.Match[str]) -> list[_Piece]:
    return [_At(_parse_clock(match["led"] or match["marked"] or match["parted"]))]


def _build_noon(match: re.Match[str]) -> list[_Piece]:
    return [_At(_Clock(12, 0, "m"))]


def _build_midnight(match: re.Match[str]) -> list[_Piece]:
    return [_At(_Clock(12, 0, part="night"))]  # the midnight that ends the day, as "12 de la noche"


def _build_part_of_day(match: re.Match[str]) -> list[_Piece]:
    part = _PartOfDay(_PART_KINDS[match.group(0).split()[-1]])
    return [part, _DayOffset(0)] if match["this"] or match["tonight"] else [part]


def _build_relative_day(match: re.Match[str]) -> list[_Piece]:
    return [_DayOffset(_RELATIVE_DAYS[" ".join(match.group(0).split())])]


def _build_weekday(match: re.Match[str]) -> list[_Piece]:
    pieces: list[_Piece] = [_Weekday(_WEEKDAYS[match["weekday"]], bool(match["next_week"]))]
    if match["day"]:
        pieces.append(_bare_day(match["day"], after_weekday=True))
    return pieces


def _build_bare_day(match: re.Match[str]) -> list[_Piece]:
    return [_bare_day(match["day"])]


def _bare_day(text: str, *, after_weekday: bool = False) -> _BareDay:
    if not 1 <= int(text) <= 31:
        raise _NotUnderstood
    return _BareDay(int(text), after_weekday)


def _build_bare_number(match: re.Match[str]) -> list[_Piece]:
    return [_BareNumber(int(match["number"]))]


# Order matters: dates before clocks (so "15 de diciembre a las 10" keeps its 10), ranges before
# single clocks, parts of day before "mañana" (so "por la mañana" is not tomorrow), lone numbers
# last.
_EXTRACTORS: Final[tuple[tuple[re.Pattern[str], _Builder], ...]] = (
    (_ISO_DATE_RE, _build_calendar_day),
    (_NUMERIC_DATE_RE, _build_numeric_date),
    (_DOTTED_DATE_RE, _build_calendar_day),
    (_DAY_MONTH_RE, _build_calendar_day),
    (_MONTH_DAY_RE, _build_calendar_day),
    (_IN_UNITS_RE, _build_in_units),
    (_KEYWORD_RANGE_RE, _build_range),
    (_PLAIN_RANGE_RE, _build_plain_range),
    (_UNTIL_RE, _build_until),
    (_CLOCK_RE, _build_clock),
    (_NOON_RE, _build_noon),
    (_MIDNIGHT_RE, _build_midnight),
    (_PART_OF_DAY_RE, _build_part_of_day),
    (_RELATIVE_DAY_RE, _build_relative_day),
    (_WEEKDAY_RE, _build_weekday),
    (_BARE_DAY_RE, _build_bare_day),
    (_BARE_NUMBER_RE, _build_bare_number),
)


def _cut(match: re.Match[str], build: _Builder, found: list[_Piece]) -> str:
    pieces = build(match)
    if pieces is None:
        return match.group(0)
    found.extend(pieces)
    return " "


def _extract(text: str) -> tuple[list[_Piece], list[str]]:
    """Cut every understood piece out of the text; return the pieces and the unknown words."""
    found: list[_Piece] = []
    for pattern, build in _EXTRACTORS:
        text = pattern.sub(partial(_cut, build=build, found=found), text)
    return found, [word for word in text.split() if word not in _FILLER_WORDS]


# --- clock arithmetic (minutes since midnight; DAY_MINUTES = the midnight ending the day) ------


def _explicit_minutes(clock: _Clock) -> int | None:
    """Minutes since midnight when the text leaves no doubt, else None."""
    hour, minute = clock.hour, clock.minute
    if clock.suffix in ("am", "pm", "m"):
        return _meridiem_minutes(hour, minute, clock.suffix)
    if clock.suffix == "h" or clock.zero_padded or hour == 0 or hour > 12:
        if hour > 12 and clock.part in ("morning", "early"):
            raise _NotUnderstood  # "15 de la mañana"
        return hour * 60 + minute
    if clock.part is not None:
        return _part_minutes(hour, minute, clock.part)
    return 12 * 60 + minute if hour == 12 else None


def _meridiem_minutes(hour: int, minute: int, suffix: str) -> int:
    if suffix == "m":  # Peru's "12 m." is noon and nothing else
        if hour != 12:
            raise _NotUnderstood
        return 12 * 60 + minute
    if suffix == "pm" and hour > 12:
        return hour * 60 + minute  # "15 pm": redundant, not wrong
    if not 1 <= hour <= 12:
        raise _NotUnderstood
    return ((hour % 12) + (12 if suffix == "pm" else 0)) * 60 + minute


def _part_minutes(hour: int, minute: int, part: str) -> int:
    if part == "early":
        return (hour % 12) * 60 + minute
    if part == "morning":
        return hour * 60 + minute  # "12 de la mañana" is noon
    if part == "afternoon":
        return (hour % 12 + 12) * 60 + minute
    if hour == 12:
        return DAY_MINUTES + minute  # "12 de la noche": the midnight that ends the day
    if hour < 5:
        raise _NotUnderstood  # "2 de la noche": this night or the next one?
    return (hour + 12) * 60 + minute


def _guessed_minutes(clock: _Clock) -> tuple[int, frozenset[DateFlag]]:
    explicit = _explicit_minutes(clock)
    if explicit is not None:
        return explicit, frozenset()
    if clock.hour <= 7:  # school afternoons: "a las 3" is 15:00
        return (clock.hour + 12) * 60 + clock.minute, frozenset({DateFlag.ASSUMED_PM})
    return clock.hour * 60 + clock.minute, frozenset({DateFlag.ASSUMED_AM})


def _first_after(clock: _Clock, after: int) -> int:
    """The end of a span: as typed when explicit, else the first reading after ``after``."""
    explicit = _explicit_minutes(clock)
    morning = clock.hour * 60 + clock.minute
    candidates = [explicit] if explicit is not None else [morning, morning + 12 * 60]
    for minutes in candidates:
        if minutes > after:
            return minutes
    raise _NotUnderstood


def _shared_suffix(start: _Clock, end: _Clock) -> _Clock:
    """'de 3 a 5 pm': an am/pm or part of day on the end also belongs to a bare start."""
    if start.suffix or start.part or not (end.suffix or end.part):
        return start
    shared = replace(start, suffix=end.suffix, part=end.part)
    shared_minutes, end_minutes = _explicit_minutes(shared), _explicit_minutes(end)
    if shared_minutes is None or end_minutes is None or shared_minutes >= end_minutes:
        return start  # "de 11 a 1 pm" is 11 a.m. to 1 p.m., not 11 p.m.
    return shared


def _span_minutes(start: _Clock, end: _Clock | None) -> _Times:
    if end is not None:
        start = _shared_suffix(start, end)
    start_minutes, flags = _guessed_minutes(start)
    end_minutes = None if end is None else _first_after(end, start_minutes)
    return start_minutes, end_minutes, flags


# --- combining pieces -----------------------------------------------------------------------

_P = TypeVar("_P")


def _with_part(clock: _Clock, part: str | None) -> _Clock:
    if part is None or clock.suffix or clock.part:
        return clock
    return replace(clock, part=part)


def _pieces_of(pieces: list[_Piece], kind: type[_P]) -> list[_P]:
    return [piece for piece in pieces if isinstance(piece, kind)]


def _only_part_of_day(pieces: list[_Piece]) -> str | None:
    kinds = {piece.kind for piece in _pieces_of(pieces, _PartOfDay)}
    if len(kinds) > 1:
        raise _NotUnderstood  # "por la mañana ... por la tarde"
    return next(iter(kinds), None)


def _start_and_end_clocks(pieces: list[_Piece], has_date: bool) -> tuple[_Clock, _Clock | None]:
    clocks = [piece.clock for piece in _pieces_of(pieces, _At)]
    ranges: list[_Range] = _pieces_of(pieces, _Range)
    untils = [piece.clock for piece in _pieces_of(pieces, _Until)]
    numbers: list[_BareNumber] = _pieces_of(pieces, _BareNumber)
    if numbers:  # "mañana 9"; a lone number without a date is too vague to be an hour
        if len(numbers) > 1 or not has_date:
            raise _NotUnderstood
        clocks.append(_Clock(numbers[0].value))
    if len(clocks) + len(ranges) != 1 or len(untils) > 1 or (ranges and untils):
        raise _NotUnderstood  # two times, or "hasta las 12" with no start
    if ranges:
        return ranges[0].start, ranges[0].end
    return clocks[0], (untils[0] if untils else None)


def _resolve_times(pieces: list[_Piece], has_date: bool) -> _Times | None:
    part = _only_part_of_day(pieces)
    if not any(isinstance(piece, _At | _Range | _Until | _BareNumber) for piece in pieces):
        if part is None:
            return None
        return _PART_DEFAULT_MINUTES[part], None, frozenset({DateFlag.PART_OF_DAY})
    start, end = _start_and_end_clocks(pieces, has_date)
    return _span_minutes(_with_part(start, part), None if end is None else _with_part(end, part))


def _resolve_day(pieces: list[_Piece], today: date) -> tuple[date, frozenset[DateFlag]] | None:
    weekdays: list[_Weekday] = _pieces_of(pieces, _Weekday)
    if len({weekday.weekday for weekday in weekdays}) > 1:
        raise _NotUnderstood
    days = [spec.resolve(today) for spec in _pieces_of(pieces, _DateSpec)]
    if not days:
        return (weekdays[0].resolve(today), frozenset()) if weekdays else None
    if len({day for day, _ in days}) > 1:
        raise _NotUnderstood  # "mañana 15 de diciembre": which one?
    day = days[0][0]
    flags = days[0][1].intersection(*(day_flags for _, day_flags in days[1:]))  # confirmed guesses
    if not weekdays:
        return day, flags
    if day.weekday() != weekdays[0].weekday:
        return day, flags | {DateFlag.WEEKDAY_MISMATCH}
    return day, flags - {DateFlag.BARE_DAY}  # "lunes 30": the weekday confirms the month


def _weekday_number_as_hour(pieces: list[_Piece], today: date) -> list[_Piece]:
    """'lunes 30' is a date when the 30th is a Monday; 'lunes 9' otherwise means 9 o'clock."""
    bare = [piece for piece in _pieces_of(pieces, _BareDay) if piece.after_weekday]
    has_time = any(isinstance(piece, _At | _Range | _BareNumber) for piece in pieces)
    if len(bare) != 1 or len(_pieces_of(pieces, _DateSpec)) != 1 or has_time:
        return pieces
    weekday: _Weekday = _pieces_of(pieces, _Weekday)[0]
    day, _ = bare[0].resolve(today)
    if day.weekday() == weekday.weekday or bare[0].day > 23:
        return pieces
    return [piece for piece in pieces if piece is not bare[0]] + [_BareNumber(bare[0].day)]


def _moment(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz) + timedelta(minutes=minutes)


def _default_minutes(day: date, now: datetime) -> int:
    """09:00, or the next full hour when the day is today and 09:00 has gone."""
    if day == now.date() and now.hour * 60 + now.minute >= DEFAULT_START_MINUTES:
        return (now.hour + 1) * 60
    return DEFAULT_START_MINUTES


def _finish(
    start: datetime, end: datetime | None, flags: Iterable[DateFlag], now: datetime
) -> ParsedWhen:
    """Add the flags every result needs, whatever produced it."""
    all_flags = set(flags)
    if start < now:
        all_flags.add(DateFlag.IN_PAST)
    if start - now > FAR_FUTURE_AFTER:
        all_flags.add(DateFlag.FAR_FUTURE)
    return ParsedWhen(start, end, frozenset(all_flags))


def _from_delay(pieces: list[_Piece], now: datetime) -> ParsedWhen:
    delays = _pieces_of(pieces, _Delay)
    if len(pieces) != 1:
        raise _NotUnderstood  # "mañana en 2 horas"
    delay = delays[0]
    start = (now + timedelta(minutes=delay.minutes)).replace(second=0, microsecond=0)
    return _finish(start, None, (), now)


def _combine(pieces: list[_Piece], now: datetime, tz: ZoneInfo) -> ParsedWhen:
    if _pieces_of(pieces, _Delay):
        return _from_delay(pieces, now)
    pieces = _weekday_number_as_hour(pieces, now.date())
    day_and_flags = _resolve_day(pieces, now.date())
    times = _resolve_times(pieces, has_date=day_and_flags is not None)
    if day_and_flags is None:
        if times is None:
            raise _NotUnderstood
        return _at_next_time(times, now, tz)
    day, day_flags = day_and_flags
    if times is None:
        times = _default_minutes(day, now), None, frozenset({DateFlag.NO_TIME})
    start_minutes, end_minutes, time_flags = times
    end = None if end_minutes is None else _moment(day, end_minutes, tz)
    return _finish(_moment(day, start_minutes, tz), end, day_flags | time_flags, now)


def _at_next_time(times: _Times, now: datetime, tz: ZoneInfo) -> ParsedWhen:
    """Only a time ("a las 3"): today if still ahead, else tomorrow."""
    start_minutes, end_minutes, flags = times
    day = now.date()
    if _moment(day, start_minutes, tz) < now:
        day += timedelta(days=1)
    end = None if end_minutes is None else _moment(day, end_minutes, tz)
    return _finish(_moment(day, start_minutes, tz), end, flags | {DateFlag.NO_DATE}, now)


# --- dateparser, the last resort ------------------------------------------------------------

_DATEPARSER_LANGUAGES: Final = ["es", "en"]  # without it dateparser loads every language (~1 s)


def _ask_dateparser(text: str, now: datetime) -> datetime | None:
    """dateparser's reading of ``text``, naive in ``now``'s wall clock, or None."""
    import dateparser  # imported late: most phrases never need it; warm_up() loads it early

    # A midnight base means a result at 00:00 carries no time of its own ("in a fortnight").
    base = now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    settings = {
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
        "RELATIVE_BASE": base,
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    try:
        found = dateparser.parse(text, languages=_DATEPARSER_LANGUAGES, settings=settings)
    except Exception:  # third-party code on arbitrary input: a crash there means "not understood"
        return None
    return found if isinstance(found, datetime) else None


def _fallback(
    text: str, normalised: str, unknown: list[str], now: datetime, tz: ZoneInfo
) -> ParsedWhen | None:
    if not any(_HAS_LETTER_RE.search(word) for word in unknown):
        return None  # stray digits: dateparser would invent a date from them ("1 2" -> 1 Feb)
    if _VAGUE_PERIOD_RE.search(normalised):
        return None  # "la próxima semana": dateparser picks an arbitrary day of it
    found = _ask_dateparser(text, now)
    if found is None:
        return None
    flags = {DateFlag.FALLBACK}
    minutes = found.hour * 60 + found.minute
    if minutes == 0:
        minutes = _default_minutes(found.date(), now)
        flags.add(DateFlag.NO_TIME)
    return _finish(_moment(found.date(), minutes, tz), None, flags, now)


# --- public API -----------------------------------------------------------------------------


def parse_when(text: str, *, now: datetime, tz: ZoneInfo = LIMA) -> ParsedWhen | None:
    """Read when something happens; None when the text is not a moment this module understands.

    ``now`` must be aware (any zone); the result is aware in ``tz``.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware now")
    if len(text) > MAX_INPUT_CHARS:
        return None
    local_now = now.astimezone(tz)
    normalised = _normalise(text)
    try:
        pieces, unknown = _extract(normalised)
        if unknown:
            return _fallback(text, normalised, unknown, local_now, tz)
        return _combine(pieces, local_now, tz) if pieces else None
    except (_NotUnderstood, OverflowError):  # overflow: dates near year 9999
        return None


_UNTIL_TEXT_RE: Final = re.compile(
    rf"(?:{_UNTIL_PREFIX}|-\s*|(?:a\s+)?las?\s+|at\s+)?(?P<clock>.+)"
)


def parse_until(text: str, start: datetime) -> datetime | None:
    """The end of something that starts at ``start``: "hasta las 12", "3 de la tarde", "until 5pm".

    The end is on the start's day (the midnight that ends it included) and after the start; an
    ambiguous hour is the first reading after the start ("hasta las 2" after 9:00 is 14:00).
    """
    if start.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware start")
    if len(text) > MAX_INPUT_CHARS:
        return None
    found = _UNTIL_TEXT_RE.fullmatch(_normalise(text))
    if found is None:
        return None
    start_minutes = start.hour * 60 + start.minute
    try:
        end_minutes = _first_after(_clock_or_noon(found["clock"]), start_minutes)
    except _NotUnderstood:
        return None
    midnight = start.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + timedelta(minutes=end_minutes)


def warm_up() -> None:
    """Load dateparser's Spanish and English data now, not during the first user's reply."""
    now = datetime.now(LIMA)
    parse_when("el próximo lunes a las 3 de la tarde", now=now)
    _ask_dateparser("15 de diciembre de 2026 10:00", now)


_ES_WEEKDAYS: Final = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_ES_MONTHS: Final = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "setiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip  # Peru writes "setiembre"
_EN_WEEKDAYS: Final = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip
_EN_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def format_when(moment: datetime, language: Language = "es", *, tz: ZoneInfo = LIMA) -> str:
    """Spell a moment out in ``tz``, without the system locale.

    es: "lunes 30 de noviembre de 2026, 9:00 a. m."; en: "Monday, 30 November 2026, 9:00 AM".
    """
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware moment")
    local = moment.astimezone(tz)
    clock = f"{local.hour % 12 or 12}:{local.minute:02d}"
    is_morning = local.hour < 12
    if language == "es":
        day = f"{_ES_WEEKDAYS[local.weekday()]} {local.day} de {_ES_MONTHS[local.month - 1]}"
        return f"{day} de {local.year}, {clock} {'a. m.' if is_morning else 'p. m.'}"
    day = f"{_EN_WEEKDAYS[local.weekday()]}, {local.day} {_EN_MONTHS[local.month - 1]}"
    return f"{day} {local.year}, {clock} {'AM' if is_morning else 'PM'}"
