"""Reading one cell: a código modular, a day or a span of days, a sector, a count.

Dates arrive in every shape a sheet allows: a real date cell, an Excel serial number (days since
1899-12-30) in a cell not formatted as a date, "15/03/2026" (always day first, as in Peru),
ISO "2026-03-15", "15 de marzo de 2026", "15-mar-26", or a span in one cell ("3 al 5 de marzo de
2026", "03/03/2026 - 05/03/2026"). What cannot be read without guessing is refused with its
reason: no year, only a month, an impossible day. A spreadsheet row is a record, so unlike a
chat message there is nobody to ask "¿quisiste decir…?" and nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from bot.domain.activity_import.reading import Cell, Formula
from bot.domain.dates import LIMA, DateFlag, parse_when
from bot.domain.dates.vocabulary import MONTH_NUMBERS
from storage.activities import Category
from storage.normalize import fold

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
FIRST_YEAR, LAST_YEAR = 2000, 2100  # a 3W outside these years is a typo


class DateProblem(StrEnum):
    MISSING = "missing"
    UNREADABLE = "unreadable"
    NO_YEAR = "no_year"
    ONLY_MONTH = "only_month"
    OUT_OF_RANGE = "out_of_range"


@dataclass(frozen=True)
class DaySpan:
    first: date
    last: date


MONTHS = MONTH_NUMBERS  # the dates package's month names, Spanish and English
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
# "15 de marzo de 2026", "15 marzo 2026", "15-mar-26", "marzo 15, 2026"
_DAY_MONTH = re.compile(
    rf"^(\d{{1,2}})(?: de | |-)({_MONTH})(?:(?: de | del | |-|, )(\d{{2}}|\d{{4}}))?$"
)
_MONTH_DAY = re.compile(rf"^({_MONTH}) (\d{{1,2}})(?:,? (\d{{4}}))?$")
_MONTH_ONLY = re.compile(rf"^({_MONTH})(?: de| del)? (\d{{4}})$")
# A span: "del 3 al 5 de marzo de 2026", "3 - 5/03/2026", "01/03/2026 al 05/03/2026".
_SPAN = re.compile(r"^(?:del? )?(.+?) (?:al|a|hasta|to|-|–|—) (.+)$")


def _plain(text: str) -> str:
    """Folded, with the separators dates use kept."""
    lowered = text.strip().lower().replace(",", ", ").replace("–", "-").replace("—", "-")
    kept = re.sub(r"[^\w/.\-:, ]", " ", fold_keep_marks(lowered))
    return " ".join(kept.replace(" ,", ",").split())


def fold_keep_marks(text: str) -> str:
    """Accents off, but / . - : kept (fold would drop them)."""
    return "".join(fold(char) if char.isalpha() else char for char in text)


def _year(text: str | None) -> int | None:
    if text is None:
        return None
    year = int(text)
    return year + 2000 if year < 100 else year


def _day(year: int | None, month: int, day: int) -> date | DateProblem:
    if year is None:
        return DateProblem.NO_YEAR
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return DateProblem.OUT_OF_RANGE
    try:
        return date(year, month, day)
    except ValueError:
        return DateProblem.UNREADABLE  # 31/02, or a month-first 03/15/2026


def parse_one_day(text: str, *, default: date | None = None) -> date | DateProblem:
    """One day written as text. `default` lends month and year to a bare "3" (in "3 al 5 de
    marzo de 2026") and a year to "3 de marzo" (in "3 de marzo al 5 de abril de 2026")."""
    plain = _plain(text)
    if match := _ISO.match(plain):
        return _day(int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC.match(plain):
        return _day(_year(match[3]), int(match[2]), int(match[1]))
    year_default = default.year if default else None
    if match := _DAY_MONTH.match(plain):
        return _day(_year(match[3]) or year_default, MONTHS[match[2]], int(match[1]))
    if match := _MONTH_DAY.match(plain):
        return _day(_year(match[3]) or year_default, MONTHS[match[1]], int(match[2]))
    if default is not None and plain.isdigit() and len(plain) <= 2:
        return _day(default.year, default.month, int(plain))
    if _MONTH_ONLY.match(plain):
        return DateProblem.ONLY_MONTH
    if re.fullmatch(rf"({_MONTH})", plain):
        return DateProblem.ONLY_MONTH
    return DateProblem.UNREADABLE


def _from_serial(number: float) -> date | DateProblem:
    """Excel's serial day number; only whole-day values of plausible years are dates."""
    try:
        day = EXCEL_EPOCH + timedelta(days=int(number))
    except OverflowError:
        return DateProblem.OUT_OF_RANGE
    return day if FIRST_YEAR <= day.year <= LAST_YEAR else DateProblem.OUT_OF_RANGE


def parse_days(cell: Cell) -> DaySpan | DateProblem:
    """A cell holding one day or a span of days."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return DateProblem.MISSING
    if isinstance(cell, Formula):
        return DateProblem.UNREADABLE
    if isinstance(cell, datetime | date):
        day = cell.date() if isinstance(cell, datetime) else cell
        return (
            DaySpan(day, day) if FIRST_YEAR <= day.year <= LAST_YEAR else DateProblem.OUT_OF_RANGE
        )
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        day_or_problem = _from_serial(cell)
        return (
            DaySpan(day_or_problem, day_or_problem)
            if isinstance(day_or_problem, date)
            else day_or_problem
        )
    return _parse_text_days(str(cell))


def _parse_text_days(text: str) -> DaySpan | DateProblem:
    plain = _plain(text)
    if plain.replace(".", "", 1).isdigit():  # a serial number typed or saved as text
        return parse_days(float(plain))
    single = parse_one_day(plain)
    if isinstance(single, date):
        return DaySpan(single, single)
    span = _SPAN.match(plain)
    found = _span_of(span[1], span[2]) if span else single
    if found is DateProblem.UNREADABLE:
        return _read_by_dates(text)
    return found


def _span_of(first_text: str, last_text: str) -> DaySpan | DateProblem:
    """ "3 al 5 de marzo de 2026": the first day borrows what it lacks from the last; across a
    new year ("21 de dic al 6 de ene de 2027") it is the year before."""
    last = parse_one_day(last_text)
    if not isinstance(last, date):
        return last
    first = parse_one_day(first_text, default=last)
    if not isinstance(first, date):
        return first
    if first > last and not _YEAR.search(first_text):
        first = first.replace(year=first.year - 1)
    return DaySpan(first, last)


# A year written out: four digits, or the third part of a numeric date ("15/07/26").
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}([/.-])\d{1,2}\1\d{2}\b")
# Guesses the dates package may make that a sheet's row cannot confirm with anyone.
_NO_GUESSES = frozenset({DateFlag.NO_TIME, DateFlag.IN_PAST, DateFlag.FAR_FUTURE})
_ANY_DAY = datetime(2026, 1, 1, 12, tzinfo=LIMA)  # only explicit years are accepted below


def _read_by_dates(text: str) -> DaySpan | DateProblem:
    """What this module's own shapes do not read ("13-15/7/2026"), the chat's date reader may,
    with spans. Only text with its year written out, read without any guess, is accepted: a
    sheet's "lunes" or "15 de marzo" has nobody to confirm which one."""
    if not _YEAR.search(text):
        return DateProblem.UNREADABLE
    parsed = parse_when(text, now=_ANY_DAY, spans=True)
    if parsed is None or parsed.flags - _NO_GUESSES:
        return DateProblem.UNREADABLE
    first = parsed.start.astimezone(LIMA).date()
    return DaySpan(first, parsed.last_day or first)


# --- school codes ---------------------------------------------------------------------------

_CODE = re.compile(r"^(\d{5,7})(?:\s*[-/ ]\s*(\d{1,2}))?$")


def parse_school_code(cell: Cell, anexo_cell: Cell = None) -> tuple[str, str | None] | None:
    """(código modular with its leading zeros, anexo or None) from "325753", 325753.0,
    "0325753-1"; None when the cell holds no code."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip() if cell is not None and not isinstance(cell, Formula) else ""
    match = _CODE.match(text)
    if match is None:
        return None
    anexo = match[2] or _anexo(anexo_cell)
    return match[1].zfill(7), anexo


def _anexo(cell: Cell) -> str | None:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = str(cell).strip() if cell is not None and not isinstance(cell, Formula) else ""
    return text if text.isdigit() and len(text) <= 2 else None


# --- sectors and counts ---------------------------------------------------------------------

# Words of a sector or activity type -> Minka's category. Checked in order; "otro" if none fits.
SECTOR_WORDS: tuple[tuple[Category, tuple[str, ...]], ...] = (
    (Category.DOCENTES, ("docente", "docentes", "maestro", "maestros", "teacher", "teachers",
                         "capacitacion docente", "formacion docente")),
    (Category.SALUD, ("salud", "health", "nutricion", "nutrition", "vacuna", "vacunacion",
                      "anemia", "wash", "higiene", "hygiene", "psicosocial", "mental",
                      "dental", "medico", "medica")),
    (Category.LECTURA, ("lectura", "educacion", "education", "reading", "literacy",
                        "alfabetizacion", "aprendizaje", "learning", "tutoria", "tutoring",
                        "biblioteca", "matematica", "refuerzo")),
    (Category.DEPORTE, ("deporte", "deportes", "sport", "sports", "recreacion", "futbol",
                        "actividad fisica")),
    (Category.ARTE, ("arte", "art", "arts", "cultura", "culture", "musica", "music", "teatro",
                     "danza")),
    (Category.DONACION, ("donacion", "donaciones", "donation", "entrega", "kits", "kit",
                         "distribucion", "distribution", "materiales", "utiles")),
    (Category.INFRAESTRUCTURA, ("infraestructura", "infrastructure", "construccion",
                                "rehabilitacion", "mantenimiento", "shelter", "techo",
                                "agua y saneamiento", "saneamiento")),
)  # fmt: skip


def category_for(*texts: Cell) -> Category:
    """The first category whose words appear in the sector (then the activity's title)."""
    for text in texts:
        padded = f" {fold(str(text or ''))} "
        for category, words in SECTOR_WORDS:
            if any(f" {word} " in padded for word in words):
                return category
    return Category.OTRO


_COUNT = re.compile(r"^\d{1,3}(?:[ .,]\d{3})+$|^\d+$")


def parse_count(cell: Cell) -> int | None:
    """People reached: 120, 120.0, "1,200", "1.200", "1 200"; None for anything else."""
    if isinstance(cell, (bool, Formula)) or cell is None:
        return None
    if isinstance(cell, int | float):
        return int(cell) if cell >= 0 and float(cell).is_integer() else None
    text = str(cell).strip()
    if not _COUNT.match(text):
        return None
    return int(re.sub(r"[ .,]", "", text))
