"""The public readers: parse_when (a moment) and parse_until (the end of something), and warm_up."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from bot.domain.dates.builders import _clock_or_noon, _extract
from bot.domain.dates.clocks import _first_after
from bot.domain.dates.combine import _combine
from bot.domain.dates.fallback import _ask_dateparser, _fallback
from bot.domain.dates.model import LIMA, MAX_INPUT_CHARS, ParsedWhen, _NotUnderstood
from bot.domain.dates.normalise import _normalise
from bot.domain.dates.patterns import _UNTIL_PREFIX


def parse_when(
    text: str, *, now: datetime, tz: ZoneInfo = LIMA, spans: bool = False
) -> ParsedWhen | None:
    """Read when something happens; None when the text is not a moment this module understands.

    ``now`` must be aware (any zone); the result is aware in ``tz``. A span of days ("del 13 al
    15 de julio") comes back with ``last_day`` only for a caller that says it handles spans
    (``spans=True``); for the others it is None, never its first day passed off as the whole.
    """
    if now.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware now")
    if len(text) > MAX_INPUT_CHARS:
        return None
    found = _read(text, now.astimezone(tz), tz)
    if found is not None and found.last_day is not None and not spans:
        return None
    return found


def _read(text: str, local_now: datetime, tz: ZoneInfo) -> ParsedWhen | None:
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
