"""`python -m bot import-schools PATH`: load MINEDU's registry, with a progress bar."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from tqdm import tqdm

from bot.domain.registry_import import ImportResult, RegistryFormatError, import_registry
from bot.settings import Settings
from storage import Storage

log = logging.getLogger(__name__)


def add_import_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "import-schools",
        help="import MINEDU's school registry (ESCALE ZIP/DBF, ';' CSV, or a CSV with aliases)",
    )
    parser.add_argument("path", type=Path, help="the registry file")
    parser.add_argument("--encoding", help="force the DBF/CSV text encoding (cp850, latin-1...)")
    parser.add_argument(
        "--include-inactive", action="store_true", help="also import inactive services"
    )
    parser.add_argument("--report", type=Path, help="where to write the skipped rows (CSV)")


async def run_import(settings: Settings, args: argparse.Namespace) -> int:
    if not args.path.is_file():
        log.error("No such file: %s", args.path)
        return 2
    storage = Storage(settings.database_path)
    await storage.open()
    try:
        with tqdm(unit=" rows", desc="Importing", leave=False) as bar:
            result = await import_registry(
                storage,
                args.path,
                encoding=args.encoding,
                include_inactive=args.include_inactive,
                report_path=args.report,
                progress=lambda done, total: _advance(bar, done, total),
            )
    except RegistryFormatError as exc:
        log.error("%s: %s", args.path, exc)
        return 4
    finally:
        await storage.close()
    print_result(result)
    return 0


def _advance(bar: tqdm, done: int, total: int) -> None:
    bar.total = total
    bar.update(done - bar.n)


def print_result(result: ImportResult) -> None:
    print(result.summary())  # the command's output, for the operator
    if result.report_path is not None:
        print(f"Skipped rows, with line numbers and reasons: {result.report_path}")
