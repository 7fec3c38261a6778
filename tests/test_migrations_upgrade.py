"""Upgrades keep data: a database at every earlier schema version, with data in it, is brought
up to date by opening it, and nothing that was there is lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.registry_import import load_sample_schools
from bot.domain.school_search import search_schools
from storage import Storage
from storage.db import Database
from storage.migrate import bundled_migrations, migrate

MIGRATIONS = bundled_migrations()
START = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


NOW = "2026-11-26T15:00:00+00:00"
# Rows as each schema version stored them, written with plain SQL: the repositories speak the
# latest schema only. Each entry: (first version that has the table, statement, parameters).
SEED = [
    (1, "INSERT INTO organizations (id, name, name_key, kind, created_at)"
        " VALUES (1, 'Fundación Ayni', 'fundacion ayni', 'ngo', ?)", (NOW,)),
    (1, "INSERT INTO members (user_id, language, name, role, organization_id, consent_at,"
        " consent_version, registered_at, created_at, updated_at)"
        " VALUES (1, 'es', 'Rosa Quispe', 'ngo', 1, ?, '2026-11', ?, ?, ?)", (NOW,) * 4),
    (4, "INSERT INTO activities (school_id, organization_id, author_id, title, category,"
        " starts_at, ends_at, status, created_at, updated_at)"
        " SELECT id, 1, 1, 'Taller de lectura', 'lectura', ?, ?, 'scheduled', ?, ?"
        " FROM schools WHERE cod_mod = '9000001'",
        ("2027-03-01T14:00:00+00:00", "2027-03-01T16:00:00+00:00", NOW, NOW)),
    (5, "INSERT INTO chats (id, type, created_at, updated_at) VALUES (1, 'private', ?, ?)",
        (NOW, NOW)),
    (5, "INSERT INTO follows (chat_id, kind, target, mode, created_at)"
        " VALUES (1, 'school', '1', 'instant', ?)", (NOW,)),
    (6, "INSERT INTO digest_entries (chat_id, event_key, line, created_at)"
        " VALUES (1, 'activity:1', 'Taller', ?)", (NOW,)),
]  # fmt: skip


async def seed(db: Database, version: int) -> None:
    # The importer writes only the schools tables, unchanged since 0002 but for the word index's
    # rowids (0008 rebuilds that index from the table, so old entries do not matter).
    if version >= 2:
        storage = Storage(db.path)
        storage.schools._db = db
        await load_sample_schools(storage)
    async with db.transaction() as session:
        for since, sql, params in SEED:
            if version >= since:
                await session.execute(sql, params)


async def check(storage: Storage, version: int) -> None:
    member = await storage.members.get(1)
    assert member is not None and member.is_registered and member.name == "Rosa Quispe"
    assert member.organization is not None and member.organization.name == "Fundación Ayni"
    if version >= 2:
        assert await storage.schools.get("9000001") is not None
        found = await search_schools(storage, "2045 mariategui")
        assert found.schools and found.schools[0].cod_mod == "9000001"
    if version >= 4:
        activities = await storage.activities.upcoming_for_author(1, START - timedelta(days=1))
        assert [a.title for a in activities] == ["Taller de lectura"]
    if version >= 5:
        assert [f.target for f in await storage.follows.of_chat(1)] == ["1"]
    if version >= 6:
        assert await storage.db.scalar("SELECT count(*) FROM digest_entries") == 1


@pytest.mark.parametrize("version", [m.version for m in MIGRATIONS[:-1]])
async def test_upgrade_from_every_earlier_version_keeps_the_data(
    tmp_path: Path, version: int
) -> None:
    path = tmp_path / f"v{version}.db"
    old = Database(path)
    await old.open()
    await migrate(old, [m for m in MIGRATIONS if m.version <= version])
    await seed(old, version)
    await old.close()

    upgraded = Storage(path)
    await upgraded.open()  # runs every later migration
    applied = await upgraded.db.scalar("SELECT max(version) FROM schema_migrations")
    assert applied == MIGRATIONS[-1].version
    await check(upgraded, version)
    await upgraded.close()
