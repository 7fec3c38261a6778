"""Numbered, named migrations recorded in `schema_migrations`, each in its own transaction.

A migration is a file `storage/migrations/NNNN_name.sql`. Statements are split with
`sqlite3.complete_statement` (which understands triggers) and run inside one BEGIN IMMEDIATE, so a
failing migration leaves the database exactly as it was and the bot refuses to start.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from storage.db import Database, Session, StorageError

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


class MigrationError(StorageError):
    """A migration failed; the message names it and says why. Nothing of it was applied."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    def statements(self) -> list[str]:
        return split_statements(self.sql)


def split_statements(script: str) -> list[str]:
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            if current.strip().strip(";").strip():
                statements.append(current.strip())
            current = ""
    if current.strip() and not current.strip().startswith("--"):
        raise MigrationError(f"unterminated SQL statement: {current.strip()[:60]}")
    return statements


def bundled_migrations() -> list[Migration]:
    """The migrations shipped in the package, in version order."""
    found = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"two migrations share a number: {versions}")
    return found


async def applied_versions(db: Database) -> set[int]:
    async with db.transaction() as session:
        await session.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        rows = await session.fetchall("SELECT version FROM schema_migrations")
    return {row[0] for row in rows}


async def migrate(db: Database, migrations: list[Migration] | None = None) -> list[Migration]:
    """Apply every pending migration in order; return those applied. Re-running is harmless."""
    pending_from = migrations if migrations is not None else bundled_migrations()
    done = await applied_versions(db)
    applied = []
    for migration in pending_from:
        if migration.version in done:
            continue
        await _apply(db, migration)
        applied.append(migration)
        log.info("applied migration %04d_%s", migration.version, migration.name)
    return applied


async def _apply(db: Database, migration: Migration) -> None:
    try:
        async with db.transaction() as session:
            await _run_statements(session, migration)
            await session.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat()),
            )
    except sqlite3.Error as exc:
        raise MigrationError(
            f"migration {migration.version:04d}_{migration.name} failed and was rolled back: {exc}"
        ) from exc


async def _run_statements(session: Session, migration: Migration) -> None:
    for statement in migration.statements():
        await session.execute(statement)
