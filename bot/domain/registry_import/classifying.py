"""Deciding what an import does with each row (insert, update, leave, ignore, skip) against
what the database already holds."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum

from bot.domain.registry_import.records import RawRow, RowError, SkippedRow
from bot.domain.registry_import.validating import parse_key, parse_record, parse_status
from storage.schools import SchoolRecord


class Outcome(Enum):
    """What an import does with one row (the value names the ImportResult counter)."""

    INSERT = "inserted"
    UPDATE = "updated"
    UNCHANGED = "unchanged"
    IGNORE = "ignored_inactive"
    SKIP = "skipped"


@dataclass
class Chunk:
    """The outcome of classifying some rows: counts, records to write, rows skipped."""

    rows: int = 0
    counts: dict[Outcome, int] = field(default_factory=dict)
    records: list[SchoolRecord] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)


class RowClassifier:
    """Decides each row's `Outcome` against what the database already holds."""

    def __init__(self, known: Mapping[tuple[str, str], str], include_inactive: bool) -> None:
        self.known = known  # (cod_mod, anexo) -> digest; only read, never changed
        self.include_inactive = include_inactive
        self.seen: dict[tuple[str, str], int] = {}

    def classify_chunk(self, rows: Iterator[RawRow], size: int) -> Chunk:
        chunk = Chunk()
        for raw in itertools.islice(rows, size):
            chunk.rows += 1
            try:
                outcome, record = self.classify(raw)
            except RowError as error:
                outcome, record = Outcome.SKIP, None
                values = raw.values
                chunk.skipped.append(SkippedRow(
                    raw.line, values.get("cod_mod", ""), values.get("anexo", ""), str(error)
                ))  # fmt: skip
            chunk.counts[outcome] = chunk.counts.get(outcome, 0) + 1
            if record is not None:
                chunk.records.append(record)
        return chunk

    def classify(self, raw: RawRow) -> tuple[Outcome, SchoolRecord | None]:
        """The outcome, with the record to write for INSERT and UPDATE; RowError to skip."""
        key = parse_key(raw.values)
        first_line = self.seen.setdefault(key, raw.line)
        if first_line != raw.line:
            raise RowError(f"duplicate COD_MOD+ANEXO (first on line {first_line})")
        active = parse_status(raw.values.get("status", ""))
        old = self.known.get(key)
        if old is None and not active and not self.include_inactive:
            # A closed service we never had stays out (unread); one we had is marked inactive.
            return Outcome.IGNORE, None
        record = parse_record(raw.values, *key, active)
        if old == record.fingerprint:
            return Outcome.UNCHANGED, None
        return (Outcome.INSERT if old is None else Outcome.UPDATE), record
