"""What an import reads, reports and returns: the raw rows, the skipped ones, the result, and
the two errors (a file that is not a registry; a row that cannot be imported)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple


class RegistryFormatError(Exception):
    """The file is not a school registry we can read; the message says why."""


class RowError(ValueError):
    """One row cannot be imported; the message is the reason written to the report."""


class RawRow(NamedTuple):  # a NamedTuple: 180,000 of them are made per import
    line: int  # CSV: line in the file (header is 1); DBF: record number (first is 1)
    values: Mapping[str, str]  # canonical field -> text as read, stripped


@dataclass(frozen=True)
class SkippedRow:
    line: int
    cod_mod: str
    anexo: str
    reason: str


@dataclass
class ImportResult:
    source: str  # "dbf", "zip/dbf", "csv", "zip/csv"
    encoding: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    ignored_inactive: int = 0  # inactive services not already stored (see include_inactive)
    report_path: Path | None = None
    seconds: float = 0.0
    skipped_rows: list[SkippedRow] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return (
            f"{self.rows_read} rows read ({self.source}, {self.encoding}) in {self.seconds:.1f} s:"
            f" {self.inserted} inserted, {self.updated} updated, {self.unchanged} unchanged,"
            f" {self.skipped} skipped, {self.ignored_inactive} inactive ignored"
        )


ProgressCallback = Callable[[int, int], None]  # (rows read so far, expected total)


@dataclass
class RegistrySource:
    """An opened registry file: what it is and its rows, not yet validated."""

    kind: str  # "dbf", "zip/dbf", "csv", "zip/csv"
    encoding: str
    columns: dict[str, str]  # canonical field -> the file's column name
    expected_rows: int
    rows: Iterator[RawRow]
