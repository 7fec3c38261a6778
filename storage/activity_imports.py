"""Activities imported from coordinators' 3W spreadsheets: the pending preview, the import in one
transaction, and where each imported activity came from.

A row's key is organization + school + title + start day. Importing a row whose key exists
updates that activity (or leaves it alone when nothing changed), so sending the same file twice
changes nothing and a corrected file changes only the rows it corrects. The domain
(`bot.domain.activity_import`) reads and matches the sheet; this module only writes what it
was given, all or nothing.

Imported activities have no author (`author_id` NULL): a coordinator importing 400 rows must
not get 400 reminders and check-ins. The importer is recorded in `activity_imports`, and the
file and row in `activity_sources`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Any

import aiosqlite

from storage.activities import (
    MAX_PARTICIPANTS,
    ActivityStatus,
    Category,
    checked_category,
    clean_description,
    clean_title,
    db_times,
)
from storage.clock import from_db, to_db, utc_now
from storage.db import Database, Session, StorageError
from storage.digests import add_lines
from storage.models import OrgKind
from storage.normalize import fold
from storage.organizations import Organizations, clean_organization_name
from storage.outbox import OutboxItem, enqueue


class ImportStatus(StrEnum):
    PENDING = "pending"
    IMPORTED = "imported"
    CANCELLED = "cancelled"


class ImportNotFound(StorageError):
    """No import has this id, or it belongs to someone else (a tampered button)."""


class ImportNotPending(StorageError):
    """ "Importar" or "Cancelar" pressed on an import already done or cancelled."""

    def __init__(self, import_id: int, status: ImportStatus) -> None:
        super().__init__(f"import {import_id} is {status.value}")
        self.status = status


class RowOutcome(StrEnum):
    INSERTED = "inserted"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class ActivityImport:
    id: int
    importer_id: int | None
    file_name: str
    file_hash: str
    file_id: str | None
    status: ImportStatus
    counts: dict[str, int] | None
    created_at: datetime


@dataclass(frozen=True)
class ImportRow:
    """One sheet row, matched and validated by the domain, ready to write."""

    row_number: int
    school_id: int
    organization_id: int | None  # None: `organization_name` is new and is created unverified
    organization_name: str
    title: str
    description: str | None
    category: Category
    starts_at: datetime
    ends_at: datetime
    reached: int | None = None
    organization_kind: OrgKind = OrgKind.NGO  # for a new organization

    @property
    def title_key(self) -> str:
        return fold(self.title)

    def start_day(self, tz: tzinfo) -> str:
        return self.starts_at.astimezone(tz).date().isoformat()


@dataclass(frozen=True)
class ActivitySource:
    activity_id: int
    import_id: int
    file_name: str
    row_number: int
    importer_id: int | None  # None: the operator, or a person who used "forget me"
    importer_name: str | None
    by_operator: bool
    imported_at: datetime
    reached: int | None


@dataclass
class ImportResult:
    """What one import did; `changed_upcoming` are the activity ids followers hear about."""

    import_id: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    organizations_created: int = 0
    changed_upcoming: list[int] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }


def _row_to_import(row: aiosqlite.Row) -> ActivityImport:
    created = from_db(row["created_at"])
    assert created is not None  # NOT NULL
    return ActivityImport(
        id=row["id"], importer_id=row["importer_id"], file_name=row["file_name"],
        file_hash=row["file_hash"], file_id=row["file_id"], status=ImportStatus(row["status"]),
        counts=json.loads(row["counts"]) if row["counts"] else None, created_at=created,
    )  # fmt: skip


class ActivityImports:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def create_pending(
        self, importer_id: int | None, file_name: str, file_hash: str, file_id: str | None
    ) -> ActivityImport:
        """Record a previewed file, waiting for "Importar"."""
        async with self._db.transaction() as session:
            import_id = await session.insert(
                "INSERT INTO activity_imports (importer_id, by_operator, file_name, file_hash,"
                " file_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    importer_id,
                    importer_id is None,
                    file_name[:255] or "?",
                    file_hash,
                    file_id,
                    to_db(utc_now()),
                ),
            )
            return await _require(session, import_id)

    async def get(self, import_id: int) -> ActivityImport | None:
        row = await self._db.fetchone("SELECT * FROM activity_imports WHERE id = ?", (import_id,))
        return None if row is None else _row_to_import(row)

    async def cancel(self, import_id: int, importer_id: int | None) -> None:
        """Drop a preview; raises ImportNotPending if it was already imported or cancelled."""
        async with self._db.transaction() as session:
            await _claim(session, import_id, importer_id, ImportStatus.CANCELLED)

    async def classify(self, rows: Sequence[ImportRow], tz: tzinfo, now: datetime) -> ImportResult:
        """What `apply` would do with these rows, read-only (the preview and --dry-run)."""
        result = ImportResult(import_id=0)
        async with self._db.read() as session:
            existing = await _existing_by_key(session, rows, tz)
            for row in rows:
                outcome = _outcome(existing.get(_key(row, tz)), _prepared(row, tz), now)
                _count(result, outcome)
        return result

    async def apply(
        self,
        import_id: int,
        importer_id: int | None,
        rows: Sequence[ImportRow],
        *,
        tz: tzinfo,
        now: datetime,
        skipped: int = 0,
    ) -> ImportResult:
        """Write every row in one transaction, or nothing. The import must be pending and the
        importer's: a second "Importar" raises ImportNotPending and writes nothing. Followers
        are told afterwards (`finish_notices`), their messages composed outside this write."""
        for row in rows:
            _prepared(row, tz)  # validated before taking the write lock: a bad row raises here
        async with self._db.transaction() as session:
            await _claim(session, import_id, importer_id, ImportStatus.IMPORTED)
            result = ImportResult(import_id=import_id, skipped=skipped)
            rows = await _with_organizations(session, rows, importer_id, result)
            prepared = [_prepared(row, tz) for row in rows]
            await _write_rows(session, import_id, prepared, tz, now, result)
            await session.execute(
                "UPDATE activity_imports SET counts = ?, finished_at = ? WHERE id = ?",
                (json.dumps(result.counts()), to_db(now), import_id),
            )
        return result

    async def finish_notices(
        self,
        import_id: int,
        items: Sequence[OutboxItem],
        lines: Sequence[tuple[int, str]],
        now: datetime,
    ) -> bool:
        """Enqueue the followers' summaries (instant messages, daily lines) and mark the import
        told, in one transaction; False (nothing written) if it was told already."""
        async with self._db.transaction() as session:
            marked = await session.execute(
                "UPDATE activity_imports SET notified_at = ? WHERE id = ? AND notified_at IS NULL"
                " AND status = 'imported'",
                (to_db(now), import_id),
            )
            if not marked:
                return False
            key = f"import:{import_id}"
            await enqueue(session, key, items)
            await add_lines(session, key, lines, now)
        return True

    async def source_of(self, activity_id: int) -> ActivitySource | None:
        """The file, row and importer an activity came from; None if it was not imported."""
        row = await self._db.fetchone(
            "SELECT s.activity_id, s.import_id, s.row_number, s.reached, i.file_name,"
            " i.importer_id, i.by_operator, i.finished_at, m.name AS importer_name"
            " FROM activity_sources s JOIN activity_imports i ON i.id = s.import_id"
            " LEFT JOIN members m ON m.user_id = i.importer_id WHERE s.activity_id = ?",
            (activity_id,),
        )
        if row is None:
            return None
        imported_at = from_db(row["finished_at"])
        assert imported_at is not None  # a source is written by a finished import
        return ActivitySource(
            activity_id=row["activity_id"], import_id=row["import_id"],
            file_name=row["file_name"], row_number=row["row_number"],
            importer_id=row["importer_id"], importer_name=row["importer_name"],
            by_operator=bool(row["by_operator"]), imported_at=imported_at, reached=row["reached"],
        )  # fmt: skip


# --- personal data (storage.privacy) ------------------------------------------------------


async def imports_of(session: Session, user_id: int) -> list[dict[str, Any]]:
    """The spreadsheets the person sent to import, for /misdatos."""
    rows = await session.fetchall(
        "SELECT file_name, status, counts, created_at, finished_at FROM activity_imports"
        " WHERE importer_id = ? ORDER BY id",
        (user_id,),
    )
    return [{**dict(row), "counts": json.loads(row["counts"]) if row["counts"] else None}
            for row in rows]  # fmt: skip


async def forget_importer(session: Session, user_id: int) -> None:
    """The imported activities stay with their organizations and schools; who imported them,
    and the file they sent (its file_id), go. A preview still waiting is cancelled."""
    await session.execute(
        "UPDATE activity_imports SET status = 'cancelled', finished_at = ?"
        " WHERE importer_id = ? AND status = 'pending'",
        (to_db(utc_now()), user_id),
    )
    await session.execute(
        "UPDATE activity_imports SET importer_id = NULL, file_id = NULL WHERE importer_id = ?",
        (user_id,),
    )


# --- claiming -------------------------------------------------------------------------------


async def _require(session: Session, import_id: int) -> ActivityImport:
    row = await session.fetchone("SELECT * FROM activity_imports WHERE id = ?", (import_id,))
    if row is None:
        raise ImportNotFound(import_id)
    return _row_to_import(row)


async def _claim(
    session: Session, import_id: int, importer_id: int | None, status: ImportStatus
) -> None:
    found = await _require(session, import_id)
    if found.importer_id != importer_id:
        raise ImportNotFound(import_id)  # someone else's: the same answer as a made-up id
    if found.status is not ImportStatus.PENDING:
        raise ImportNotPending(import_id, found.status)
    await session.execute(
        "UPDATE activity_imports SET status = ?, finished_at = ? WHERE id = ?",
        (status.value, to_db(utc_now()), import_id),
    )


# --- organizations --------------------------------------------------------------------------


async def _with_organizations(
    session: Session, rows: Sequence[ImportRow], importer_id: int | None, result: ImportResult
) -> list[ImportRow]:
    """Rows whose organization is new get the id of one created now (unverified); several
    spellings the domain already folded to one name create one organization."""
    created: dict[str, int] = {}
    out = []
    for row in rows:
        if row.organization_id is not None:
            out.append(row)
            continue
        name = clean_organization_name(row.organization_name)
        key = fold(name)
        if key not in created:
            existed = await session.scalar(
                "SELECT id FROM organizations WHERE name_key = ?", (key,)
            )
            kind = row.organization_kind
            org = await Organizations.create_in(session, name, kind, importer_id)
            created[key] = org.id
            result.organizations_created += existed is None
        out.append(_replace_org(row, created[key]))
    return out


def _replace_org(row: ImportRow, org_id: int) -> ImportRow:
    return dataclasses.replace(row, organization_id=org_id)


# --- rows -----------------------------------------------------------------------------------

Key = tuple[int | None, int, str, str]  # organization, school, folded title, start day


def _key(row: ImportRow, tz: tzinfo) -> Key:
    return (row.organization_id, row.school_id, row.title_key, row.start_day(tz))


@dataclass(frozen=True)
class _Prepared:
    row: ImportRow
    title: str
    description: str | None
    category: str
    starts: str
    ends: str


def _prepared(row: ImportRow, tz: tzinfo) -> _Prepared:
    """Validated exactly as an announced activity is (length, category, end after start)."""
    starts, ends = db_times(row.starts_at, row.ends_at)
    return _Prepared(
        row, clean_title(row.title), clean_description(row.description),
        checked_category(row.category).value, starts, ends,
    )  # fmt: skip


async def _existing_by_key(
    session: Session, rows: Sequence[ImportRow], tz: tzinfo
) -> dict[Key, aiosqlite.Row]:
    """Imported activities having one of these rows' keys, in one query."""
    pairs = json.dumps(sorted({(row.title_key, row.start_day(tz)) for row in rows}))
    found = await session.fetchall(
        "SELECT a.*, s.reached AS reached, s.title_key AS title_key, s.start_day AS start_day"
        " FROM activity_sources s JOIN activities a ON a.id = s.activity_id"
        " WHERE (s.title_key, s.start_day) IN"
        " (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))",
        (pairs,),
    )
    return {
        (row["organization_id"], row["school_id"], row["title_key"], row["start_day"]): row
        for row in found
    }


def _status_and_participants(row: ImportRow, now: datetime) -> tuple[str, int | None]:
    """Past activities are imported as done (who worked where), with the people reached as
    participants; upcoming ones are scheduled."""
    if row.ends_at > now:
        return ActivityStatus.SCHEDULED.value, None
    reached = row.reached if row.reached is not None and row.reached <= MAX_PARTICIPANTS else None
    return ActivityStatus.DONE.value, reached


# Statuses an import manages. A cancelled (or "not held") activity was changed in Minka by a
# person after the import: a re-import leaves it alone rather than bring it back.
_IMPORT_MANAGED = {ActivityStatus.SCHEDULED.value, ActivityStatus.DONE.value}


def _outcome(existing: aiosqlite.Row | None, item: _Prepared, now: datetime) -> RowOutcome:
    if existing is None:
        return RowOutcome.INSERTED
    if existing["status"] not in _IMPORT_MANAGED:
        return RowOutcome.UNCHANGED
    status, participants = _status_and_participants(item.row, now)
    same = (
        existing["title"] == item.title
        and existing["description"] == item.description
        and existing["category"] == item.category
        and (existing["starts_at"], existing["ends_at"]) == (item.starts, item.ends)
        and existing["status"] == status
        and existing["participants"] == participants
        and existing["reached"] == item.row.reached
    )
    return RowOutcome.UNCHANGED if same else RowOutcome.UPDATED


def _count(result: ImportResult, outcome: RowOutcome) -> None:
    if outcome is RowOutcome.INSERTED:
        result.inserted += 1
    elif outcome is RowOutcome.UPDATED:
        result.updated += 1
    else:
        result.unchanged += 1


async def _write_rows(
    session: Session,
    import_id: int,
    prepared: Sequence[_Prepared],
    tz: tzinfo,
    now: datetime,
    result: ImportResult,
) -> None:
    existing = await _existing_by_key(session, [item.row for item in prepared], tz)
    sources: list[tuple[object, ...]] = []
    for item in prepared:
        activity_id = await _write_row(session, existing.get(_key(item.row, tz)), item, now, result)
        if activity_id is None:
            continue
        sources.append((activity_id, import_id, item.row.row_number, item.row.title_key,
                        item.row.start_day(tz), item.row.reached))  # fmt: skip
        if item.row.ends_at > now:
            result.changed_upcoming.append(activity_id)
    # One statement for every source row: half the round trips of a row-by-row write.
    await session.executemany(
        "INSERT INTO activity_sources (activity_id, import_id, row_number, title_key, start_day,"
        " reached) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (activity_id) DO UPDATE SET"
        " import_id = excluded.import_id, row_number = excluded.row_number,"
        " reached = excluded.reached",
        sources,
    )


async def _write_row(
    session: Session,
    existing: aiosqlite.Row | None,
    item: _Prepared,
    now: datetime,
    result: ImportResult,
) -> int | None:
    """Insert or update one row, counted; its activity id, or None when it is unchanged."""
    outcome = _outcome(existing, item, now)
    _count(result, outcome)
    if outcome is RowOutcome.UNCHANGED:
        return None
    if existing is None:
        return await _insert(session, item, now)
    return await _update(session, existing, item, now)


def _values(item: _Prepared, now: datetime) -> dict[str, Any]:
    status, participants = _status_and_participants(item.row, now)
    return {
        "school_id": item.row.school_id, "organization_id": item.row.organization_id,
        "title": item.title, "description": item.description, "category": item.category,
        "starts_at": item.starts, "ends_at": item.ends, "status": status,
        "participants": participants, "now": to_db(now),
    }  # fmt: skip


async def _insert(session: Session, item: _Prepared, now: datetime) -> int:
    return await session.insert(
        "INSERT INTO activities (school_id, organization_id, author_id, title, description,"
        " category, starts_at, ends_at, status, participants, created_at, updated_at)"
        " VALUES (:school_id, :organization_id, NULL, :title, :description, :category,"
        " :starts_at, :ends_at, :status, :participants, :now, :now)",
        _values(item, now),
    )


async def _update(session: Session, existing: aiosqlite.Row, item: _Prepared, now: datetime) -> int:
    activity_id = int(existing["id"])
    await session.execute(
        "UPDATE activities SET title = :title, description = :description,"
        " category = :category, starts_at = :starts_at, ends_at = :ends_at, status = :status,"
        " participants = :participants, updated_at = :now WHERE id = :id",
        {**_values(item, now), "id": activity_id},
    )
    return activity_id
