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
  is the Monday of the next Monday-to-Sunday week. "el próximo viernes" said on a Tuesday is this
  week's Friday with THIS_WEEK: many mean next week's, so the person is told.
- "jueves 15" is the 15th when a 15th this month or in the next two is a Thursday. Otherwise a
  number up to 23 gives two readings: Thursday at 15:00 first, with DAY_OR_HOUR, and the 15th
  (WEEKDAY_MISMATCH) in ``alternative``; the caller offers both. A weekday that contradicts an
  explicit date keeps the date and adds WEEKDAY_MISMATCH.
- Spans of days ("del 13 al 15 de julio", "13-15/7", "21 de dic a 6 de ene", "del lunes al
  miércoles"), optionally with daily hours ("de 9 a 13"): start and end are on the first day and
  ``last_day`` is the last; only callers passing ``spans=True`` get them (the others get None).
  ``too_long`` marks spans over MAX_SPAN_DAYS (31).
- Delays ("en 2 horas", "dentro de 3 horas") are counted from ``now``: FROM_NOW.
- Dates without a year: the next occurrence, judged by day. A day earlier than today moves to the
  next year (NEXT_YEAR); today stays today (IN_PAST if its time has passed). Explicit years are
  kept as typed, past or far (IN_PAST / FAR_FUTURE). Numeric dates are always day first ("5/12" is
  5 December).
- "el 5" (BARE_DAY): the next 5th, this month if not yet gone, else the next month having it.
- Hours without a.m./p.m.: 1-6 -> p.m. (ASSUMED_PM, "a las 3" at school is 15:00), 7-11 -> a.m.
  (ASSUMED_AM: school days start at 7-8), 12 -> noon. 0, 13-23, a leading zero ("09:00") and "9h"
  are 24-hour: no guess. "12 m." is noon (Peruvian usage). Minutes as Peruvians write them:
  "10.30", "15.30 h", "en punto", "y media", "y cuarto", "menos cuarto", "11 y 45", "las once y
  cuarenta y cinco". A dot with minutes 01-12 ("10.05") could be a day and month: it is a clock
  only after "a las". "de la mañana/tarde/noche", "por la tarde", "in the morning" or am/pm settle
  it. "12 de la noche" and "medianoche" are the midnight that ends that day; "2 de la noche" is
  refused (that night or the next one?).
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

Layout, in import order: ``model`` (ParsedWhen, DateFlag, constants), ``vocabulary``, ``normalise``,
``pieces`` (what a pattern cuts out), ``patterns`` (the regexes), ``clocks`` (a.m./p.m. arithmetic),
``builders`` (match -> pieces, the extractor order), ``combine`` (pieces -> a moment), ``fallback``
(dateparser), ``parse`` (the public readers), ``formatting``.
Import from the package, not the modules.
"""

from bot.domain.dates.formatting import (
    format_clock,
    format_day,
    format_days,
    format_when,
    weekday_and_month,
)
from bot.domain.dates.model import LIMA, MAX_INPUT_CHARS, DateFlag, Language, ParsedWhen
from bot.domain.dates.parse import parse_until, parse_when, warm_up

__all__ = [
    "LIMA",
    "MAX_INPUT_CHARS",
    "DateFlag",
    "Language",
    "ParsedWhen",
    "format_clock",
    "format_day",
    "format_days",
    "format_when",
    "parse_until",
    "parse_when",
    "warm_up",
    "weekday_and_month",
]
