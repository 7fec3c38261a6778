"""Spell a moment out in Spanish (Peru) or English without the system locale."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

from bot.domain.dates.model import LIMA, Language

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
    return f"{format_day(moment, language, tz=tz)}, {format_clock(moment, language, tz=tz)}"


def format_day(moment: datetime, language: Language = "es", *, tz: ZoneInfo = LIMA) -> str:
    """The day alone: "lunes 30 de noviembre de 2026"; "Monday, 30 November 2026"."""
    local = _local(moment, tz)
    if language == "es":
        month = _ES_MONTHS[local.month - 1]
        return f"{_ES_WEEKDAYS[local.weekday()]} {local.day} de {month} de {local.year}"
    return (
        f"{_EN_WEEKDAYS[local.weekday()]}, {local.day} {_EN_MONTHS[local.month - 1]} {local.year}"
    )


def format_clock(moment: datetime, language: Language = "es", *, tz: ZoneInfo = LIMA) -> str:
    """The time alone, on the same 12-hour clock as format_when: "3:00 p. m."; "3:00 PM".

    Every time in one message goes through here, so a message never mixes two clocks.
    """
    local = _local(moment, tz)
    clock = f"{local.hour % 12 or 12}:{local.minute:02d}"
    is_morning = local.hour < 12
    if language == "es":
        return f"{clock} {'a. m.' if is_morning else 'p. m.'}"
    return f"{clock} {'AM' if is_morning else 'PM'}"


def format_days(first: date, last: date, language: Language = "es") -> str:
    """Several days, the month and year said once when shared:
    es "del lunes 13 al miércoles 15 de julio de 2027"; en "Monday 13 to Wednesday 15 July 2027".
    """
    weekdays, months = (
        (_ES_WEEKDAYS, _ES_MONTHS) if language == "es" else (_EN_WEEKDAYS, _EN_MONTHS)
    )
    sep = " de " if language == "es" else " "
    start = f"{weekdays[first.weekday()]} {first.day}"
    if (first.year, first.month) != (last.year, last.month):
        start += f"{sep}{months[first.month - 1]}"
    if first.year != last.year:
        start += f"{sep}{first.year}"
    end = f"{weekdays[last.weekday()]} {last.day}{sep}{months[last.month - 1]}{sep}{last.year}"
    return f"del {start} al {end}" if language == "es" else f"{start} to {end}"


def weekday_and_month(
    moment: datetime, language: Language = "es", *, tz: ZoneInfo = LIMA
) -> tuple[str, str]:
    """ "jueves", "diciembre": for notes that name them ("el jueves de esta semana")."""
    local = _local(moment, tz)
    if language == "es":
        return _ES_WEEKDAYS[local.weekday()], _ES_MONTHS[local.month - 1]
    return _EN_WEEKDAYS[local.weekday()], _EN_MONTHS[local.month - 1]


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware moment")
    return moment.astimezone(tz)
