"""`python -m bot export`: a 3W/4W file (xlsx or CSV with HXL tags) for operators, the same file
/exportar sends in the chat. Reads DATABASE_PATH while the bot runs (its own read-only
connection, SQLite WAL). Mistakes are one line on stderr and exit code 2; a file that would
be over Telegram's upload limit is still written here (an operator has no such limit).
"""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.domain.exports import (
    InvalidPeriod,
    InvalidScopeCode,
    days_period,
    export_content,
    parse_day,
    parse_scope_code,
)
from bot.settings import Settings
from bot.views.export_files import write_csv, write_xlsx
from storage import Storage
from storage.exports import ExportScope, Period, ScopeKind

log = logging.getLogger(__name__)

EXIT_BAD_INPUT = 2
EXIT_CANNOT_WRITE = 5
# No limit at the command line: the file goes to disk, not to Telegram.
NO_LIMIT = 2**62


class ExportInputError(Exception):
    """What the operator typed cannot be exported; the message says why."""


@dataclass(frozen=True)
class ExportRequest:
    scope: ExportScope
    period: Period
    format: str
    out: Path
    language: str


def add_export_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "export", help="write a 3W/4W export (xlsx or CSV with HXL tags) of a place or a school"
    )
    parser.add_argument(
        "--scope", required=True,
        help="ubigeo prefix (15 region, 1501 province, 150135 district), a school's 7-digit"
        " código modular, or 'peru' for everything",
    )  # fmt: skip
    parser.add_argument("--from", dest="first", required=True, help="first day, 2026-03-01")
    parser.add_argument("--to", dest="last", required=True, help="last day (included)")
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument("--language", choices=("es", "en"), help="of the headers (default: es)")


async def run_export(settings: Settings, args: argparse.Namespace) -> int:
    if not settings.database_path.is_file():
        log.error("No database at %s (set DATABASE_PATH)", settings.database_path)
        return 1
    if not args.out.parent.is_dir():  # before the work, not after it
        log.error("cannot write %s: no folder %s", args.out, args.out.parent)
        return EXIT_CANNOT_WRITE
    storage = Storage(settings.database_path)
    await storage.open()
    try:
        request = await read_request(storage, settings, args)
        size = await write_export(storage, settings, request)
    except ExportInputError as exc:
        log.error("%s", exc)
        return EXIT_BAD_INPUT
    except OSError as exc:  # no such folder, no permission, disk full
        log.error("cannot write %s: %s", args.out, exc.strerror or exc)
        return EXIT_CANNOT_WRITE
    finally:
        await storage.close()
    print(f"Wrote {request.out} ({size:,} bytes)")  # the command's output
    return 0


async def read_request(
    storage: Storage, settings: Settings, args: argparse.Namespace
) -> ExportRequest:
    period = _period(args.first, args.last, settings)
    scope = await resolve_scope(storage, args.scope)
    language = args.language or settings.default_language
    return ExportRequest(scope, period, args.format, args.out, language)


def _period(first: str, last: str, settings: Settings) -> Period:
    try:
        return days_period(_day(first), _day(last), settings.tz)
    except InvalidPeriod as exc:
        raise ExportInputError(
            f"--from {first} --to {last}: the last day must not be before the first, and one"
            " export covers ten years at most"
        ) from exc


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except InvalidPeriod as exc:
        raise ExportInputError(f"{text!r} is not a day: write 2026-03-01 or 01/03/2026") from exc


async def resolve_scope(storage: Storage, text: str) -> ExportScope:
    """'peru', an ubigeo prefix that some school has, or a school's código modular."""
    if text.strip().lower() in ("peru", "perú", "all"):
        return ExportScope(ScopeKind.EVERYWHERE)
    try:
        code = parse_scope_code(text)
    except InvalidScopeCode:
        raise ExportInputError(
            f"--scope {text!r}: use an ubigeo of 2, 4 or 6 digits, a 7-digit código modular,"
            " or 'peru'"
        ) from None
    if code.kind is ScopeKind.PLACE:
        if not await storage.exports.place_exists(code.value):
            raise ExportInputError(f"no school in the registry has an ubigeo starting {text}")
        return ExportScope(ScopeKind.PLACE, code.value)
    school = await storage.exports.school_id_by_code(code.value)
    if school is None:
        raise ExportInputError(f"no school has the código modular {code.value}")
    return ExportScope(ScopeKind.SCHOOL, str(school))


async def write_export(storage: Storage, settings: Settings, request: ExportRequest) -> int:
    """Write the file; return its size."""
    tz, lang = settings.tz, request.language
    if request.format == "csv":
        activities = storage.exports.activities(request.scope, request.period)
        return await write_csv(request.out, activities, lang, tz, max_bytes=NO_LIMIT)
    content = await export_content(storage.exports, request.scope, request.period)
    return await write_xlsx(request.out, content, lang, tz, max_bytes=NO_LIMIT)
