"""What a pattern cuts out of the text: a day, a weekday, a clock, a range, a delay...

Each piece knows how to resolve itself against today; combining them is combine.py's job.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.dates.model import DateFlag, _NotUnderstood


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
    said_next: bool = False  # "el próximo viernes", "el viernes que viene"

    def resolve(self, today: date) -> date:
        if self.next_week:
            return today + timedelta(days=7 - today.weekday() + self.weekday)
        return today + timedelta(days=(self.weekday - today.weekday() - 1) % 7 + 1)


@dataclass(frozen=True)
class _WeekdayDate(_DateSpec):
    """The first day of "del lunes al miércoles": the next Monday, as "el lunes" alone."""

    weekday: int

    def resolve(self, today: date) -> tuple[date, frozenset[DateFlag]]:
        return _Weekday(self.weekday).resolve(today), frozenset()


@dataclass(frozen=True)
class _DaySpan(_DateSpec):
    """Several days: "del 13 al 15 de julio", "21 de dic a 6 de ene", "del lunes al miércoles".

    Resolves to its first day like any date; ``last`` gives the last day, always after it.
    """

    first: _DateSpec
    last_day: int = 0  # with last_month: the last day of the calendar
    last_month: int = 0
    last_weekday: int | None = None  # or a weekday on or after the first day

    def resolve(self, today: date) -> tuple[date, frozenset[DateFlag]]:
        return self.first.resolve(today)

    def last(self, first: date) -> date:
        if self.last_weekday is not None:
            days = (self.last_weekday - first.weekday()) % 7
            if days == 0:
                raise _NotUnderstood  # "del lunes al lunes"
            return first + timedelta(days=days)
        # "del 21 de diciembre al 6 de enero" ends the next year; "del 15 al 13 de julio" never.
        year = first.year + 1 if self.last_month < first.month else first.year
        last = _valid_date(year, self.last_month, self.last_day)
        if last is None or last <= first:
            raise _NotUnderstood
        return last


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
