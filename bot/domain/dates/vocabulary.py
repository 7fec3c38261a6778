"""The words Minka knows for weekdays, months, numbers, relative days, units and parts of day.

Normalised (lower case, no accents): the patterns and builders look them up after normalising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

_WEEKDAYS: Final[Mapping[str, int]] = {
    "lunes": 0, "lun": 0, "monday": 0, "mon": 0,
    "martes": 1, "tuesday": 1, "tue": 1, "tues": 1,
    "miercoles": 2, "mie": 2, "wednesday": 2, "wed": 2,
    "jueves": 3, "jue": 3, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "viernes": 4, "vie": 4, "friday": 4, "fri": 4,
    "sabado": 5, "sab": 5, "saturday": 5, "sat": 5,
    "domingo": 6, "dom": 6, "sunday": 6, "sun": 6,
}  # fmt: skip

# "mar" is March, never Tuesday: Spanish writes "mar" for marzo far more than for martes.
_MONTHS: Final[Mapping[str, int]] = {
    "enero": 1, "ene": 1, "january": 1, "jan": 1,
    "febrero": 2, "feb": 2, "february": 2,
    "marzo": 3, "mar": 3, "march": 3,
    "abril": 4, "abr": 4, "april": 4, "apr": 4,
    "mayo": 5, "may": 5,
    "junio": 6, "jun": 6, "june": 6,
    "julio": 7, "jul": 7, "july": 7,
    "agosto": 8, "ago": 8, "august": 8, "aug": 8,
    "setiembre": 9, "septiembre": 9, "set": 9, "sep": 9, "sept": 9, "september": 9,
    "octubre": 10, "oct": 10, "october": 10,
    "noviembre": 11, "nov": 11, "november": 11,
    "diciembre": 12, "dic": 12, "december": 12, "dec": 12,
}  # fmt: skip

# Public for the 3W import, which reads month names in spreadsheet cells the same way.
MONTH_NUMBERS: Final = _MONTHS

_SIMPLE_NUMBER_WORDS: Final[Mapping[str, int]] = {
    "un": 1, "uno": 1, "una": 1, "primero": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
    "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "trece": 13,
    "catorce": 14, "quince": 15, "dieciseis": 16, "diecisiete": 17, "dieciocho": 18,
    "diecinueve": 19, "veinte": 20, "veintiun": 21, "veintiuno": 21, "veintidos": 22,
    "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26, "veintisiete": 27,
    "veintiocho": 28, "veintinueve": 29, "treinta": 30, "treinta y un": 31, "treinta y uno": 31,
    "one": 1, "first": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "cuarenta": 40, "cincuenta": 50,
}  # fmt: skip
# Minutes in words, "las once y cuarenta y cinco": the tens above 30 joined to a unit by "y".
_UNIT_WORDS_ES: Final[Mapping[str, int]] = {
    "un": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9,
}  # fmt: skip
_NUMBER_WORDS: Final[Mapping[str, int]] = {
    **_SIMPLE_NUMBER_WORDS,
    **{
        f"{tens_word} y {unit_word}": tens + unit
        for tens_word, tens in (("treinta", 30), ("cuarenta", 40), ("cincuenta", 50))
        for unit_word, unit in _UNIT_WORDS_ES.items()
    },
}

_RELATIVE_DAYS: Final[Mapping[str, int]] = {
    "anteayer": -2, "antier": -2, "ayer": -1, "yesterday": -1, "hoy": 0, "today": 0,
    "manana": 1, "tomorrow": 1, "tmrw": 1, "pasado manana": 2, "day after tomorrow": 2,
}  # fmt: skip

_UNIT_DAYS: Final[Mapping[str, int]] = {
    "dia": 1, "dias": 1, "day": 1, "days": 1, "semana": 7, "semanas": 7, "week": 7, "weeks": 7,
}  # fmt: skip
_UNIT_MONTHS: Final = frozenset({"mes", "meses", "month", "months"})
_UNIT_MINUTES: Final[Mapping[str, int]] = {
    "h": 60, "hora": 60, "horas": 60, "hour": 60, "hours": 60,
    "min": 1, "mins": 1, "minuto": 1, "minutos": 1, "minute": 1, "minutes": 1,
}  # fmt: skip

# Last word of a part-of-day phrase -> its kind.
_PART_KINDS: Final[Mapping[str, str]] = {
    "manana": "morning", "morning": "morning", "madrugada": "early",
    "tarde": "afternoon", "afternoon": "afternoon", "mediodia": "afternoon",
    "noche": "night", "evening": "night", "night": "night", "tonight": "night",
}  # fmt: skip
_PART_DEFAULT_MINUTES: Final[Mapping[str, int]] = {
    "morning": 9 * 60, "afternoon": 15 * 60, "night": 19 * 60,
}  # fmt: skip

# Words that carry no meaning once the date and time pieces are cut out.
_FILLER_WORDS: Final = frozenset({
    "el", "la", "las", "los", "lo", "de", "del", "a", "al", "en", "para", "este", "esta", "dia",
    "the", "at", "on", "this", "for", "y", "and", "desde", "from",
    "como", "tipo", "aprox", "aproximadamente", "around", "about", "approx",
})  # fmt: skip


def _alternation(words: Iterable[str]) -> str:
    """Regex alternation, longest first so "pasado manana" wins over "manana"."""
    escaped = (re.escape(word).replace(r"\ ", r"\s+") for word in words)
    return "|".join(sorted(escaped, key=len, reverse=True))
