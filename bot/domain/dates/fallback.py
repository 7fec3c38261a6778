"""dateparser as the last resort, for words outside the own grammar; its answers carry FALLBACK.

Imported late: most phrases never need it and it costs about a second to load.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from bot.domain.dates.combine import _default_minutes, _finish, _moment
from bot.domain.dates.model import DateFlag, ParsedWhen
from bot.domain.dates.patterns import _HAS_LETTER_RE, _VAGUE_PERIOD_RE

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
