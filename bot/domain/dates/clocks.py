"""Clock arithmetic in minutes since midnight: a.m./p.m., parts of day, school-hours guesses.

DAY_MINUTES is the midnight that ends the day ("12 de la noche").
"""

from __future__ import annotations

from dataclasses import replace

from bot.domain.dates.model import DAY_MINUTES, DateFlag, _NotUnderstood
from bot.domain.dates.pieces import _Clock, _Times


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
    if clock.hour <= 6:  # school afternoons: "a las 3" is 15:00; school days start at 7-8
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
