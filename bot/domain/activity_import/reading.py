"""Reading a coordinator's spreadsheet into rows of cells: .xlsx (openpyxl) or .csv.

What people send is checked before anything is believed: the size, the kind of file by its
first bytes (an .xlsx is a ZIP; a password-protected one, like an old .xls, is an OLE2 file),
the number of rows (by the sheets' declared dimensions and uncompressed size, before the whole
workbook is loaded; counted again once loaded), then the sheet that looks like a 3W. Every
refusal is a `SheetProblem`, which the bot and the CLI turn into words.

Merged cells are filled with their top-left value: a group header ("Fechas" over "Inicio" and
"Fin") or an organization merged down over its rows means that value in every cell. Formulas
are kept as `Formula`, not computed: the row that holds one in a column Minka reads is reported,
never imported with a value nobody saw.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import PurePath

import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from bot.domain.activity_import.headers import ColumnMap, find_columns

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_SHEETS = 20  # sheets looked at for a 3W; a workbook with more is unusual, not refused
HEADER_SLACK = 20  # title, group and header rows above the data
# 20,000 rows of a 3W take 5-10 MB of sheet XML; more is refused before it is parsed.
MAX_SHEET_XML_BYTES = 80 * 1024 * 1024

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted .xlsx is an OLE2 file holding these streams (MS-OFFCRYPTO), names in UTF-16.
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")


class SheetProblem(StrEnum):
    """Why a file cannot be read at all."""

    TOO_BIG = "too_big"
    TOO_MANY_ROWS = "too_many_rows"
    PROTECTED = "protected"
    OLD_XLS = "old_xls"
    UNSUPPORTED = "unsupported"
    CORRUPT = "corrupt"
    EMPTY = "empty"
    NO_HEADER = "no_header"


class UnreadableSheet(Exception):
    def __init__(self, problem: SheetProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Formula:
    """A cell computed by Excel: its formula text, never a value."""

    text: str

    def __str__(self) -> str:
        return self.text


Cell = str | int | float | date | datetime | Formula | None


@dataclass
class Table:
    """The chosen sheet: its rows as the file has them (row i is the sheet's row i + 1)."""

    rows: list[list[Cell]]
    columns: ColumnMap
    sheet: str | None = None  # None for a CSV
    merged_cells_filled: int = 0
    notes: list[str] = field(default_factory=list)

    def data_rows(self) -> list[tuple[int, list[Cell]]]:
        """(sheet row number, cells) of every non-blank row after the header."""
        return [
            (index + 1, cells)
            for index, cells in enumerate(self.rows)
            if index >= self.columns.first_data_row and not is_blank(cells)
        ]


def is_blank(cells: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def read_table(file_name: str, data: bytes) -> Table:
    """The 3W table in the file, or UnreadableSheet saying why not."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableSheet(SheetProblem.TOO_BIG)
    if not data.strip():
        raise UnreadableSheet(SheetProblem.EMPTY)
    suffix = PurePath(file_name).suffix.lower()
    if data.startswith(_OLE2_MAGIC):
        encrypted = _ENCRYPTED_MARK in data
        raise UnreadableSheet(SheetProblem.PROTECTED if encrypted else SheetProblem.OLD_XLS)
    if data.startswith(_ZIP_MAGIC):
        return _read_xlsx(data)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        raise UnreadableSheet(SheetProblem.CORRUPT)  # named a workbook, but it is not one
    if suffix not in (".csv", ".txt", ""):
        raise UnreadableSheet(SheetProblem.UNSUPPORTED)
    return _read_csv(data)


# --- xlsx -----------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> Table:
    """One streaming pass per sheet (openpyxl's read-only mode: about twice as fast as loading
    the workbook, and memory stays bounded since it stops past MAX_ROWS)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        _check_uncompressed_size(archive)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise UnreadableSheet(SheetProblem.CORRUPT) from exc
    try:
        tables = [_sheet_table(sheet, archive) for sheet in book.worksheets[:MAX_SHEETS]]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableSheet(SheetProblem.CORRUPT) from exc
    finally:
        book.close()
    found = [table for table in tables if isinstance(table, Table)]
    if not found:
        any_cells = any(table is not None for table in tables)
        raise UnreadableSheet(SheetProblem.NO_HEADER if any_cells else SheetProblem.EMPTY)
    return max(found, key=lambda table: table.columns.score)  # the first of the best


def _check_uncompressed_size(archive: zipfile.ZipFile) -> None:
    """A 10 MB file may hold far more XML (a zip bomb): refuse before parsing any of it."""
    sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
    if sum(info.file_size for info in sheets) > MAX_SHEET_XML_BYTES:
        raise UnreadableSheet(SheetProblem.TOO_MANY_ROWS)


def _sheet_table(sheet: object, archive: zipfile.ZipFile) -> Table | bool | None:
    """The sheet's table; False for a sheet with cells but no 3W header; None if empty."""
    declared = getattr(sheet, "max_row", None) or 0
    if declared > MAX_ROWS + HEADER_SLACK:  # refused from the dimensions, before reading
        raise UnreadableSheet(SheetProblem.TOO_MANY_ROWS)
    rows: list[list[Cell]] = []
    for values in sheet.iter_rows(values_only=True):  # type: ignore[attr-defined]
        rows.append([_cell_value(value) for value in values])
        if len(rows) > MAX_ROWS + HEADER_SLACK:  # dimensions missing or wrong: counted here
            raise UnreadableSheet(SheetProblem.TOO_MANY_ROWS)
    if is_blank([cell for row in rows for cell in row]):
        return None
    filled = _fill_merged(_merged_ranges(sheet, archive), rows)
    columns = find_columns(rows)
    if columns is None:
        return False
    return Table(rows, columns, sheet=str(getattr(sheet, "title", "")), merged_cells_filled=filled)


def _cell_value(value: object) -> Cell:
    """A cell as read with data_only=False: a formula arrives as its text, "=...". Excel takes
    typed text starting with "=" as a formula too, so nothing real is lost."""
    if (isinstance(value, str) and value.startswith("=")) or type(value).__name__ == "ArrayFormula":
        return Formula(str(getattr(value, "text", value)))
    if value is None or isinstance(value, str | int | float | date | datetime):
        return value
    return str(value)  # times, durations, errors (#N/A): text the row check can report


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def _merged_ranges(sheet: object, archive: zipfile.ZipFile) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges (min_col, min_row, max_col, max_row). Read-only mode does not
    parse them, so they are read from the sheet's XML (the path openpyxl found for the sheet)."""
    path = getattr(sheet, "_worksheet_path", None)  # openpyxl's, not public: checked below
    if not isinstance(path, str):
        return []
    xml = archive.read(path)
    return [range_boundaries(ref.decode()) for ref in _MERGE_CELL.findall(xml)]  # type: ignore[misc]


def _fill_merged(ranges: list[tuple[int, int, int, int]], rows: list[list[Cell]]) -> int:
    filled = 0
    for min_col, min_row, max_col, max_row in ranges:
        if min_row > len(rows):
            continue
        top = _widen(rows[min_row - 1], min_col)[min_col - 1]
        for row in range(min_row, min(max_row, len(rows)) + 1):
            for col in range(min_col, max_col + 1):
                if (row, col) != (min_row, min_col):
                    _widen(rows[row - 1], col)[col - 1] = top
                    filled += 1
    return filled


def _widen(cells: list[Cell], width: int) -> list[Cell]:
    cells.extend([None] * (width - len(cells)))
    return cells


# --- csv ------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows' latin-1 (what Excel in Spanish saves)."""
    if b"\x00" in data:
        raise UnreadableSheet(SheetProblem.CORRUPT)  # binary, or UTF-16 nobody sends as CSV
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes) -> Table:
    text = _decode(data)
    best: Table | None = None
    for delimiter in (",", ";", "\t"):
        rows = _csv_rows(text, delimiter)
        columns = find_columns(rows[:20])
        if columns is not None and (best is None or columns.score > best.columns.score):
            best = Table(rows, columns)
    if best is None:
        raise UnreadableSheet(SheetProblem.NO_HEADER)
    if sum(not is_blank(row) for row in best.rows) > MAX_ROWS + HEADER_SLACK:
        raise UnreadableSheet(SheetProblem.TOO_MANY_ROWS)
    return best


def _csv_rows(text: str, delimiter: str) -> list[list[Cell]]:
    try:
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error as exc:
        raise UnreadableSheet(SheetProblem.CORRUPT) from exc
