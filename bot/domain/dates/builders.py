"""A pattern's match -> pieces, and the ordered list of extractors that cut the text.

The order of _EXTRACTORS is part of the grammar: dates before clocks, ranges before clocks.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Final

from bot.domain.dates.clocks import _span_minutes
from bot.domain.dates.model import _NotUnderstood
from bot.domain.dates.patterns import (
    _BARE_DAY_RE,
    _BARE_NUMBER_RE,
    _CLOCK_RE,
    _CLOCK_TEXT_RE,
    _DAY_MONTH_RE,
    _DOTTED_DATE_RE,
    _IN_UNITS_RE,
    _ISO_DATE_RE,
    _KEYWORD_RANGE_RE,
    _MIDNIGHT_RE,
    _MONTH_DAY_RE,
    _NOON_RE,
    _NUMERIC_DATE_RE,
    _PART_AHEAD_RE,
    _PART_OF_DAY_RE,
    _PLAIN_RANGE_RE,
    _RELATIVE_DAY_RE,
    _SPAN_ACROSS_MONTHS_RE,
    _SPAN_IN_MONTH_RE,
    _SPAN_NUMERIC_RE,
    _SPAN_WEEKDAYS_RE,
    _STRONG_CLOCK_RE,
    _UNTIL_RE,
    _WEEKDAY_RE,
)
from bot.domain.dates.pieces import (
    _At,
    _BareDay,
    _BareNumber,
    _Builder,
    _CalendarDay,
    _Clock,
    _DayOffset,
    _DaySpan,
    _Delay,
    _MonthOffset,
    _PartOfDay,
    _Piece,
    _Range,
    _Until,
    _Weekday,
    _WeekdayDate,
)
from bot.domain.dates.vocabulary import (
    _FILLER_WORDS,
    _MONTHS,
    _PART_KINDS,
    _RELATIVE_DAYS,
    _UNIT_DAYS,
    _UNIT_MINUTES,
    _UNIT_MONTHS,
    _WEEKDAYS,
    _alternation,
)


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


def _build_day_span(match: re.Match[str]) -> list[_Piece]:
    """A span within a month or across two; a year written at the end belongs to both."""
    groups = match.groupdict()
    month = _MONTHS.get(match["month"]) or int(match["month"])
    first_month = _MONTHS[groups["first_month"]] if groups.get("first_month") else month
    year = None if match["year"] is None else int(match["year"])
    if year is not None and year < 100:
        year += 2000
    if year is not None and first_month > month:
        year -= 1  # "del 21 de diciembre al 6 de enero de 2027" starts in 2026
    first, last = int(match["first"]), int(match["day"])
    if not (1 <= month <= 12 and 1 <= first <= 31 and 1 <= last <= 31):
        raise _NotUnderstood
    return [_DaySpan(_CalendarDay(first, first_month, year), last, month)]


def _build_weekday_span(match: re.Match[str]) -> list[_Piece]:
    first, last = _WEEKDAYS[match["first"]], _WEEKDAYS[match["last"]]
    return [_DaySpan(_WeekdayDate(first), last_weekday=last)]


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


def _build_clock(match: re.Match[str]) -> list[_Piece] | None:
    if match["parted"] and _AFTER_WEEKDAY_RE.search(match.string, 0, match.start()):
        return None  # "jueves 17 por la tarde": the 17th may be a day; the weekday decides
    return [_At(_parse_clock(match["led"] or match["marked"] or match["parted"]))]


_AFTER_WEEKDAY_RE: Final = re.compile(rf"\b(?:{_alternation(_WEEKDAYS)})\s+$")


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
    said_next = bool(match["next"] or match["coming"])
    weekday = _Weekday(_WEEKDAYS[match["weekday"]], bool(match["next_week"]), said_next)
    pieces: list[_Piece] = [weekday]
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
    (_SPAN_ACROSS_MONTHS_RE, _build_day_span),
    (_SPAN_IN_MONTH_RE, _build_day_span),
    (_SPAN_NUMERIC_RE, _build_day_span),
    (_SPAN_WEEKDAYS_RE, _build_weekday_span),
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
