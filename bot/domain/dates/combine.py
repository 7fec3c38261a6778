"""Pieces -> one moment: resolve the day, the times and every guess's flag.

IN_PAST and FAR_FUTURE are added in _finish, so every path carries them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Final, TypeVar
from zoneinfo import ZoneInfo

from bot.domain.dates.clocks import _span_minutes
from bot.domain.dates.model import (
    DEFAULT_START_MINUTES,
    FAR_FUTURE_AFTER,
    DateFlag,
    ParsedWhen,
    _NotUnderstood,
)
from bot.domain.dates.pieces import (
    _At,
    _BareDay,
    _BareNumber,
    _CalendarDay,
    _Clock,
    _DateSpec,
    _DaySpan,
    _Delay,
    _PartOfDay,
    _Piece,
    _Range,
    _Times,
    _Until,
    _valid_date,
    _Weekday,
)
from bot.domain.dates.vocabulary import _PART_DEFAULT_MINUTES

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
        return _weekday_alone(weekdays[0], today) if weekdays else None
    if len({day for day, _ in days}) > 1:
        raise _NotUnderstood  # "mañana 15 de diciembre": which one?
    day = days[0][0]
    flags = days[0][1].intersection(*(day_flags for _, day_flags in days[1:]))  # confirmed guesses
    if not weekdays:
        return day, flags
    if day.weekday() != weekdays[0].weekday:
        return day, flags | {DateFlag.WEEKDAY_MISMATCH}
    return day, flags - {DateFlag.BARE_DAY}  # "lunes 30": the weekday confirms the month


def _weekday_alone(weekday: _Weekday, today: date) -> tuple[date, frozenset[DateFlag]]:
    """'el próximo viernes' on a Tuesday: this Friday, flagged, since many mean next week's."""
    day = weekday.resolve(today)
    same_week = day.isocalendar()[:2] == today.isocalendar()[:2]
    return day, frozenset({DateFlag.THIS_WEEK} if weekday.said_next and same_week else ())


WEEKDAY_DAY_MONTHS: Final = 3  # "jueves 15": a 15th that is a Thursday this month or the next two


def _weekday_number_readings(
    pieces: list[_Piece], today: date
) -> tuple[list[_Piece], list[_Piece] | None]:
    """'jueves 10' is the 10th when a 10th soon is a Thursday; otherwise a number up to 23 may be
    the hour too: the hour reading first, the date reading second (None: only one reading)."""
    bare = [piece for piece in _pieces_of(pieces, _BareDay) if piece.after_weekday]
    has_time = any(isinstance(piece, _At | _Range | _BareNumber) for piece in pieces)
    if len(bare) != 1 or len(_pieces_of(pieces, _DateSpec)) != 1 or has_time:
        return pieces, None
    weekday: _Weekday = _pieces_of(pieces, _Weekday)[0]
    others = [piece for piece in pieces if piece is not bare[0]]
    for day in _next_numbered_days(bare[0].day, today, WEEKDAY_DAY_MONTHS):
        if day.weekday() == weekday.weekday:
            return [*others, _CalendarDay(day.day, day.month, day.year)], None
    if bare[0].day > 23:
        return pieces, None  # not an hour: the date, with WEEKDAY_MISMATCH
    return [*others, _BareNumber(bare[0].day)], pieces


def _next_numbered_days(number: int, today: date, months: int) -> list[date]:
    """The days numbered ``number`` from today on, in this month and the next ``months - 1``."""
    days = []
    year, month = today.year, today.month
    for _ in range(months):
        found = _valid_date(year, month, number)
        if found is not None and found >= today:
            days.append(found)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


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
    return _finish(start, None, {DateFlag.FROM_NOW}, now)


def _combine(pieces: list[_Piece], now: datetime, tz: ZoneInfo) -> ParsedWhen:
    if _pieces_of(pieces, _Delay):
        return _from_delay(pieces, now)
    first, second = _weekday_number_readings(pieces, now.date())
    reading = _combine_one(first, now, tz)
    other = _other_reading(second, now, tz)
    if other is None:
        return reading
    flags = reading.flags | {DateFlag.DAY_OR_HOUR}
    return replace(reading, flags=flags, alternative=other)


def _other_reading(pieces: list[_Piece] | None, now: datetime, tz: ZoneInfo) -> ParsedWhen | None:
    """The date reading of 'jueves 15', when it makes sense ('lunes 9 hasta las 11' has none)."""
    if pieces is None:
        return None
    try:
        other = _combine_one(pieces, now, tz)
    except _NotUnderstood:
        return None
    return replace(other, flags=other.flags | {DateFlag.DAY_OR_HOUR})


def _combine_one(pieces: list[_Piece], now: datetime, tz: ZoneInfo) -> ParsedWhen:
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
    found = _finish(_moment(day, start_minutes, tz), end, day_flags | time_flags, now)
    return replace(found, last_day=_last_day(pieces, day))


def _last_day(pieces: list[_Piece], first: date) -> date | None:
    """The last day of "del 13 al 15 de julio"; None for one day."""
    spans: list[_DaySpan] = _pieces_of(pieces, _DaySpan)
    return spans[0].last(first) if spans else None


def _at_next_time(times: _Times, now: datetime, tz: ZoneInfo) -> ParsedWhen:
    """Only a time ("a las 3"): today if still ahead, else tomorrow."""
    start_minutes, end_minutes, flags = times
    day = now.date()
    if _moment(day, start_minutes, tz) < now:
        day += timedelta(days=1)
    end = None if end_minutes is None else _moment(day, end_minutes, tz)
    return _finish(_moment(day, start_minutes, tz), end, flags | {DateFlag.NO_DATE}, now)
