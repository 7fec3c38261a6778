"""The result of reading a moment (ParsedWhen), the flags for every guess, the shared constants.

Everything else in the package builds on these; they import nothing of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Final, Literal
from zoneinfo import ZoneInfo

LIMA: Final = ZoneInfo("America/Lima")
MAX_INPUT_CHARS: Final = 160  # a date phrase is short; longer text is a message, not a moment
FAR_FUTURE_AFTER: Final = timedelta(days=366)
DEFAULT_START_MINUTES: Final = 9 * 60
DAY_MINUTES: Final = 24 * 60
MAX_SPAN_DAYS: Final = 31  # a campaign of a month at most; longer is a period, not an activity

Language = Literal["es", "en"]


class DateFlag(StrEnum):
    """A guess made while reading the text; the caller shows the moment back when any is set."""

    NO_TIME = "no_time"  # no time given: DEFAULT_START_MINUTES (or the next full hour today)
    NO_DATE = "no_date"  # only a time given: today if still ahead, else tomorrow
    ASSUMED_PM = "assumed_pm"  # hour 1-6 without a.m./p.m. read as p.m.
    ASSUMED_AM = "assumed_am"  # hour 7-11 without a.m./p.m. read as a.m.
    PART_OF_DAY = "part_of_day"  # only "por la mañana/tarde/noche": a representative hour
    BARE_DAY = "bare_day"  # "el 5": the month was chosen
    NEXT_YEAR = "next_year"  # a date without a year was moved to a later year
    WEEKDAY_MISMATCH = "weekday_mismatch"  # "viernes 1 de diciembre" when the 1st is a Tuesday
    IN_PAST = "in_past"  # the moment is before ``now``
    FAR_FUTURE = "far_future"  # more than 366 days after ``now``
    FALLBACK = "fallback"  # read by dateparser, not by this module's grammar
    # "jueves 15" when no 15th soon is a Thursday: Thursday at 15:00 or the 15th? ``alternative``
    # holds the other reading; the caller offers both.
    DAY_OR_HOUR = "day_or_hour"
    # "el próximo viernes" on a Tuesday: this week's Friday, though many mean next week's.
    THIS_WEEK = "this_week"
    FROM_NOW = "from_now"  # "en 2 horas", "dentro de 3 horas": counted from when it was read


# Guesses right often enough that, alone, they need no question ("a las 9" is 9 a.m. at school).
_CONFIDENT_GUESSES: Final = frozenset({DateFlag.ASSUMED_AM})
_MISSING_TIME: Final = frozenset({DateFlag.NO_TIME, DateFlag.PART_OF_DAY})


@dataclass(frozen=True)
class ParsedWhen:
    """A moment read from text: aware in the requested tz, with every guess flagged."""

    start: datetime
    end: datetime | None = None
    flags: frozenset[DateFlag] = frozenset()
    alternative: ParsedWhen | None = None  # the other reading, with DAY_OR_HOUR
    # Several days ("del 13 al 15 de julio"): start and end are the first day's; the same hours
    # repeat every day up to last_day, inclusive. None: one day.
    last_day: date | None = None

    @property
    def span_days(self) -> int:
        """How many days the moment covers: 1, or the days from the first to the last."""
        if self.last_day is None:
            return 1
        return (self.last_day - self.start.date()).days + 1

    @property
    def too_long(self) -> bool:
        return self.span_days > MAX_SPAN_DAYS

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
