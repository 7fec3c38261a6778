"""3W/4W files: the activities of a scope and period as .xlsx (three sheets) or CSV, each sheet
with its headers in the reader's language and, in the second row, HXL hashtags, so the file
drops into HXL tools and humanitarian dashboards whatever the header language.

Rendering only: rows come in as async batches (from `storage.exports`, which streams them), and
each batch is written in a worker thread, so a Peru-scale export neither fills memory
(xlsxwriter's constant_memory mode writes each row to disk as it comes) nor stalls the bot.
The chat, the CLI and the web page all build files here. No person's name or contact is in any
column: organizations and activities only.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import AsyncIterable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

import xlsxwriter  # type: ignore[import-untyped]
import xlsxwriter.exceptions  # type: ignore[import-untyped]

from bot.domain.exports import ExportContent, ScopeDescription
from bot.views.school_views import display_place
from bot.views.texts import label
from storage.exports import DistrictPresence, ExportedActivity, QuietSchool, ScopeKind

# Telegram lets a bot send files up to 50 MB.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
COUNTRY_CODE = "PER"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = TypeVar("Row")


class ExportTooLarge(Exception):
    """The file would not fit in one Telegram upload; `size` is what it came to."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: str  # text key of the header
    tag: str  # HXL hashtag
    value: Callable[[Row, str], object]  # (row, language) -> cell


def _adm(ubigeo: str | None, digits: int) -> str | None:
    return ubigeo[:digits] if ubigeo else None


def _org_name(name: str | None, lang: str) -> str:
    return name if name is not None else label(lang, "by_teachers")


def _org_kind(kind: str | None, lang: str) -> str:
    return label(lang, f"kind_{kind}" if kind else "kind_teachers")


def _yes_no(flag: bool, lang: str) -> str:
    return label(lang, "export_yes" if flag else "export_no")


def _source(activity: ExportedActivity, lang: str) -> str:
    key = "export_source_org" if activity.organization_id else "export_source_teachers"
    return label(lang, key)


ACTIVITY_COLUMNS: tuple[Column[ExportedActivity], ...] = (
    Column("export_col_id", "#meta+id", lambda a, _: a.id),
    Column("export_col_org", "#org+impl", lambda a, lang: _org_name(a.organization_name, lang)),
    Column("export_col_org_type", "#org+type",
           lambda a, lang: _org_kind(a.organization_kind, lang)),
    Column("export_col_verified", "#meta+verified",
           lambda a, lang: _yes_no(a.organization_verified, lang)),
    Column("export_col_sector", "#sector", lambda a, lang: label(lang, f"category_{a.category}")),
    Column("export_col_activity", "#activity+name", lambda a, _: a.title),
    Column("export_col_description", "#activity+description", lambda a, _: a.description),
    Column("export_col_country", "#country+code", lambda a, _: COUNTRY_CODE),
    Column("export_col_adm1", "#adm1+name", lambda a, _: a.region),
    Column("export_col_adm1_code", "#adm1+code", lambda a, _: _adm(a.ubigeo, 2)),
    Column("export_col_adm2", "#adm2+name", lambda a, _: a.province),
    Column("export_col_adm2_code", "#adm2+code", lambda a, _: _adm(a.ubigeo, 4)),
    Column("export_col_adm3", "#adm3+name", lambda a, _: a.district),
    Column("export_col_adm3_code", "#adm3+code", lambda a, _: a.ubigeo),
    Column("export_col_school_code", "#loc+code", lambda a, _: a.cod_mod),
    Column("export_col_school", "#loc+name", lambda a, _: a.school_name),
    Column("export_col_start", "#date+start", lambda a, _: a.starts_at),
    Column("export_col_end", "#date+end", lambda a, _: a.ends_at),
    Column("export_col_daily", "#meta+daily", lambda a, lang: _yes_no(a.repeats_daily, lang)),
    Column("export_col_status", "#status", lambda a, lang: label(lang, f"status_{a.status}")),
    Column("export_col_reached", "#reached+ind", lambda a, _: a.participants),
    Column("export_col_source", "#meta+source", _source),
)  # fmt: skip

PRESENCE_COLUMNS: tuple[Column[DistrictPresence], ...] = (
    Column("export_col_adm1", "#adm1+name", lambda p, _: p.region),
    Column("export_col_adm2", "#adm2+name", lambda p, _: p.province),
    Column("export_col_adm3", "#adm3+name", lambda p, _: p.district),
    Column("export_col_adm3_code", "#adm3+code", lambda p, _: p.ubigeo),
    Column("export_col_org", "#org+impl", lambda p, lang: _org_name(p.organization_name, lang)),
    Column("export_col_org_type", "#org+type",
           lambda p, lang: _org_kind(p.organization_kind, lang)),
    Column("export_col_verified", "#meta+verified",
           lambda p, lang: _yes_no(p.organization_verified, lang)),
    Column("export_col_activities", "#output+activities+num", lambda p, _: p.activities),
    Column("export_col_schools", "#output+schools+num", lambda p, _: p.schools),
    Column("export_col_reached", "#reached+ind", lambda p, _: p.participants),
)  # fmt: skip

QUIET_COLUMNS: tuple[Column[QuietSchool], ...] = (
    Column("export_col_adm1", "#adm1+name", lambda q, _: q.region),
    Column("export_col_adm2", "#adm2+name", lambda q, _: q.province),
    Column("export_col_adm3", "#adm3+name", lambda q, _: q.district),
    Column("export_col_adm3_code", "#adm3+code", lambda q, _: q.ubigeo),
    Column("export_col_school_code", "#loc+code", lambda q, _: q.cod_mod),
    Column("export_col_school", "#loc+name", lambda q, _: q.name),
    Column("export_col_level", "#loc+type", lambda q, _: q.level),
)  # fmt: skip


def header_rows(columns: Sequence[Column[Any]], lang: str) -> tuple[list[str], list[str]]:
    return [label(lang, column.header) for column in columns], [c.tag for c in columns]


def cells(columns: Sequence[Column[Row]], row: Row, lang: str, tz: ZoneInfo) -> list[object]:
    """One row's values; times in local time without zone (what Excel and CSV readers show)."""
    values = []
    for column in columns:
        value = column.value(row, lang)
        if isinstance(value, datetime):
            value = value.astimezone(tz).replace(tzinfo=None)
        values.append(value)
    return values


# --- xlsx --------------------------------------------------------------------------------------


class _Sheet(Generic[Row]):
    """One worksheet written top to bottom (constant_memory allows nothing else)."""

    def __init__(
        self, book: Any, name: str, columns: Sequence[Column[Row]], lang: str, tz: ZoneInfo
    ) -> None:
        self.sheet = book.add_worksheet(name)
        self.columns, self.lang, self.tz = columns, lang, tz
        self.date_format = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        bold = book.add_format({"bold": True})
        headers, tags = header_rows(columns, lang)
        self.sheet.write_row(0, 0, headers, bold)
        self.sheet.write_row(1, 0, tags)
        self.next_row = 2
        self.sheet.freeze_panes(2, 0)  # headers and tags stay in view
        self.sheet.set_column(0, len(columns) - 1, 18)

    def write(self, rows: Sequence[Row]) -> None:
        for row in rows:
            for col, value in enumerate(cells(self.columns, row, self.lang, self.tz)):
                if isinstance(value, datetime):
                    self.sheet.write_datetime(self.next_row, col, value, self.date_format)
                elif isinstance(value, int):
                    self.sheet.write_number(self.next_row, col, value)
                elif value is not None:
                    # Always as text: a title typed as "=HYPERLINK(...)" must not become a formula.
                    self.sheet.write_string(self.next_row, col, str(value))
            self.next_row += 1

    def finish(self) -> None:
        # The filter buttons sit on the tag row, so filtering never hides the headers.
        self.sheet.autofilter(1, 0, max(self.next_row - 1, 1), len(self.columns) - 1)


async def write_xlsx(
    path: Path,
    content: ExportContent,
    lang: str,
    tz: ZoneInfo,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> int:
    """Write the workbook; return its size. ExportTooLarge if it exceeds `max_bytes`."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    try:
        activities = _Sheet(
            book, label(lang, "export_sheet_activities"), ACTIVITY_COLUMNS, lang, tz
        )
        async for batch in content.activities:
            await asyncio.to_thread(activities.write, batch)
        presence = _Sheet(book, label(lang, "export_sheet_presence"), PRESENCE_COLUMNS, lang, tz)
        await asyncio.to_thread(presence.write, content.presence)
        quiet = _Sheet(book, label(lang, "export_sheet_quiet"), QUIET_COLUMNS, lang, tz)
        async for schools in content.quiet_schools:
            await asyncio.to_thread(quiet.write, schools)
        for sheet in (activities, presence, quiet):
            sheet.finish()
    finally:
        await asyncio.to_thread(_close, book)
    return _checked_size(path, max_bytes)


def _close(book: xlsxwriter.Workbook) -> None:
    """Close (xlsxwriter writes the file only now); a file that cannot be created is an OSError
    like any other, not xlsxwriter's own exception."""
    try:
        book.close()
    except xlsxwriter.exceptions.FileCreateError as exc:
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else None
        raise OSError(*(cause.args if cause else (str(exc),))) from exc


# --- CSV ---------------------------------------------------------------------------------------


async def write_csv(
    path: Path,
    activities: AsyncIterable[Sequence[ExportedActivity]],
    lang: str,
    tz: ZoneInfo,
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> int:
    """The activities sheet as CSV (UTF-8 with a byte-order mark, which Excel needs to read
    accents right); return its size. ExportTooLarge if it exceeds `max_bytes`."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows(header_rows(ACTIVITY_COLUMNS, lang))
        async for batch in activities:
            rows = [_csv_cells(row, lang, tz) for row in batch]
            await asyncio.to_thread(writer.writerows, rows)
    return _checked_size(path, max_bytes)


def _csv_cells(row: ExportedActivity, lang: str, tz: ZoneInfo) -> list[object]:
    return [_csv_value(value) for value in cells(ACTIVITY_COLUMNS, row, lang, tz)]


def _csv_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        # Spreadsheets run a cell starting with these as a formula ("CSV injection"); a leading
        # apostrophe keeps it text, as OWASP advises. Only people's free text can start so.
        return "'" + value
    return value


def _checked_size(path: Path, max_bytes: int) -> int:
    size = path.stat().st_size
    if size > max_bytes:
        raise ExportTooLarge(size)
    return size


_PLACE_LEVELS = {2: "export_scope_region", 4: "export_scope_province", 6: "export_scope_district"}


def scope_label(scope: ScopeDescription, lang: str) -> str:
    """What a person calls the scope: "Provincia Lima", a school's name, an organization's."""
    if scope.kind is ScopeKind.PLACE:
        return label(lang, _PLACE_LEVELS[len(scope.code)], name=display_place(scope.name))
    if scope.kind is ScopeKind.SCHOOL:
        return label(lang, "export_scope_school", name=scope.name, code=scope.code)
    if scope.kind is ScopeKind.ORGANIZATION:
        return label(lang, "export_scope_organization", name=scope.name)
    return label(lang, "export_scope_everywhere")
