"""Spell a moment out in Spanish (Peru) or English without the system locale."""

from __future__ import annotations

from datetime import datetime
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
