"""Backups while the bot runs; restore refused while it runs; one bot per database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.app import MinkaApplication
from bot.runner import running
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from storage.backup import DatabaseInUse, InstanceLock, NotABackup, backup, restore
from tests.helpers import register_teacher, run_cli, storage_of


async def test_backup_of_a_running_bot_and_restore_after_it_stops(
    fake: FakeTelegram, bot: MinkaApplication, settings: Settings, tmp_path: Path
) -> None:
    await register_teacher(fake, 1001)
    copy = tmp_path / "backups" / "minka-1.db"
    database = {"DATABASE_PATH": str(settings.database_path)}
    result = run_cli("backup", str(copy), env=database, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT name FROM members WHERE user_id = 1001").fetchone() == ("Rosa",)
    conn.close()
    refused = run_cli("restore", str(copy), env=database, cwd=tmp_path)
    assert refused.returncode == 4 and "stop it before restoring" in refused.stderr
    assert await storage_of(bot).members.get(1001) is not None  # the live bot was not touched


def test_restore_brings_the_backup_back(tmp_path: Path) -> None:
    live, copy = tmp_path / "live.db", tmp_path / "copy.db"
    _minka_db(live, "Rosa")
    assert backup(live, copy) > 0
    _minka_db(live, "Otra")  # the live database changes
    restore(copy, live)
    with sqlite3.connect(live) as conn:
        assert conn.execute("SELECT name FROM t").fetchall() == [("Rosa",)]
    conn.close()


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(NotABackup):
        restore(junk, tmp_path / "live.db")
    with pytest.raises(NotABackup):
        restore(tmp_path / "missing.db", tmp_path / "live.db")


async def test_a_second_bot_on_the_same_database_refuses_to_start(
    bot: MinkaApplication, settings: Settings
) -> None:
    assert InstanceLock(settings.database_path).is_held_elsewhere()
    with pytest.raises(DatabaseInUse):
        async with running(settings):
            pass


def _minka_db(path: Path, name: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER)")
        conn.execute("INSERT INTO schema_migrations VALUES (1)")
        conn.execute("CREATE TABLE IF NOT EXISTS t (name TEXT)")
        conn.execute("DELETE FROM t")
        conn.execute("INSERT INTO t VALUES (?)", (name,))
    conn.close()
