"""Importing a registry: upserts in batches, one transaction each, skipping broken rows (each
listed with its line and reason in a CSV report) and returning the counts."""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import AsyncIterator, Sequence
from importlib import resources
from pathlib import Path

from bot.domain.registry_import.classifying import Chunk, RowClassifier
from bot.domain.registry_import.reading import open_registry
from bot.domain.registry_import.records import (
    ImportResult,
    ProgressCallback,
    RegistrySource,
    SkippedRow,
)
from bot.domain.registry_import.worker import chunks_from_worker
from storage import Storage
from storage.schools import SchoolRecord, Schools

log = logging.getLogger(__name__)


BATCH_SIZE = 5000  # changed rows per write transaction
PARSE_CHUNK = 1000  # rows classified between progress calls
PARALLEL_FROM_ROWS = 20_000  # below this, starting a second process costs more than it saves


async def import_registry(
    storage: Storage,
    path: Path | str,
    *,
    encoding: str | None = None,
    include_inactive: bool = False,
    report_path: Path | None = None,
    write_report: bool = True,
    progress: ProgressCallback | None = None,
    parallel: bool | None = None,
) -> ImportResult:
    """Import (upsert) a registry file; see the module docstring. Re-running with the same file
    changes nothing. Raises RegistryFormatError before any write if the file is not a registry.

    Inactive services are imported only with `include_inactive`, except that a service already
    stored is always updated, so one that closed is marked inactive. The skipped-rows report
    goes to `report_path`, by default `<input>.skipped.csv` next to the input, and is written
    only when rows were skipped. `parallel` reads the file in a second process (default: for
    files of PARALLEL_FROM_ROWS rows or more).
    """
    path = Path(path)
    started = time.perf_counter()
    with open_registry(path, encoding=encoding) as source:
        log.info("importing %s: %s, %s, columns %s", path, source.kind, source.encoding,
                 source.columns)  # fmt: skip
        result = ImportResult(source.kind, source.encoding)
        known = await storage.schools.fingerprints()
        if parallel is None:
            parallel = source.expected_rows >= PARALLEL_FROM_ROWS
        if parallel:
            chunks = chunks_from_worker(path, source.encoding, known, include_inactive)
        else:
            chunks = _chunks_here(source, RowClassifier(known, include_inactive))
        await _write_chunks(storage.schools, chunks, result, progress, source.expected_rows)
    await _finish(storage, result, path, report_path, write_report)
    result.seconds = time.perf_counter() - started
    log.info("school registry import: %s", result.summary())
    return result


async def _finish(
    storage: Storage, result: ImportResult, path: Path, report_path: Path | None, report: bool
) -> None:
    if result.inserted or result.updated:
        await storage.schools.refresh_search_terms()
    if report and result.skipped_rows:
        target = report_path or path.with_name(path.name + ".skipped.csv")
        result.report_path = write_skipped_report(result.skipped_rows, target)


async def _write_chunks(
    schools: Schools,
    chunks: AsyncIterator[Chunk],
    result: ImportResult,
    progress: ProgressCallback | None,
    expected_rows: int,
) -> None:
    pending: list[SchoolRecord] = []
    async for chunk in chunks:
        result.rows_read += chunk.rows
        for outcome, count in chunk.counts.items():
            setattr(result, outcome.value, getattr(result, outcome.value) + count)
        result.skipped_rows.extend(chunk.skipped)
        pending.extend(chunk.records)
        if len(pending) >= BATCH_SIZE:
            await schools.upsert_batch(pending)
            pending = []
        if progress is not None:
            progress(result.rows_read, max(result.rows_read, expected_rows))
    if pending:
        await schools.upsert_batch(pending)


async def _chunks_here(source: RegistrySource, classifier: RowClassifier) -> AsyncIterator[Chunk]:
    """Classify in this process, between writes. (In a thread it was slower: the thread and
    the database thread fight over the GIL, which executemany takes back for every row.)"""
    while (chunk := classifier.classify_chunk(source.rows, PARSE_CHUNK)).rows:
        yield chunk


def write_skipped_report(skipped: Sequence[SkippedRow], path: Path) -> Path | None:
    """CSV of the skipped rows (line, cod_mod, anexo, reason); None if it cannot be written."""
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(("line", "cod_mod", "anexo", "reason"))
            writer.writerows((row.line, row.cod_mod, row.anexo, row.reason) for row in skipped)
    except OSError:
        log.exception("could not write the skipped-rows report to %s", path)
        return None
    return path


SAMPLE_REGISTRY = "sample_schools.csv"


async def load_sample_schools(storage: Storage) -> ImportResult:
    """Import the bundled synthetic registry (bot/data/sample_schools.csv; every COD_MOD starts
    with 9). For the sandbox and tests; idempotent like any import."""
    resource = resources.files("bot").joinpath("data", SAMPLE_REGISTRY)
    with resources.as_file(resource) as path:
        return await import_registry(storage, path, write_report=False)
