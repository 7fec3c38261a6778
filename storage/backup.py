"""Backups while the bot runs, and restores only while it does not.

A running bot holds an exclusive lock on `<database>.lock` (flock: the operating system drops it
when the process ends, even on SIGKILL). Backups use SQLite's online backup API from their own
connection, so they see one consistent state while the bot keeps writing (WAL mode).
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

from storage.db import StorageError


class DatabaseInUse(StorageError):
    """Another Minka process runs on this database."""


class NotABackup(StorageError):
    """The file is not a Minka database (or is damaged)."""


class InstanceLock:
    """One running bot per database: a second `run` refuses to start, `restore` refuses too."""

    def __init__(self, database: Path) -> None:
        self.path = Path(f"{database}.lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatabaseInUse(f"another Minka is running on {self.path.stem}") from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def is_held_elsewhere(self) -> bool:
        try:
            self.acquire()
        except DatabaseInUse:
            return True
        self.release()
        return False


def backup(database: Path, target: Path) -> int:
    """Copy the live database to `target`; return its size in bytes."""
    if not database.exists():
        raise NotABackup(f"no database at {database}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(database) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    dest.close()
    source.close()
    return target.stat().st_size


def restore(backup_file: Path, database: Path) -> None:
    """Replace `database` with `backup_file`, refusing while a bot runs on it."""
    check_backup(backup_file)
    lock = InstanceLock(database)
    lock.acquire()  # raises DatabaseInUse while the bot runs
    try:
        with sqlite3.connect(backup_file) as source, sqlite3.connect(database) as dest:
            source.backup(dest)
        dest.close()
        source.close()
    finally:
        lock.release()


def check_backup(path: Path) -> None:
    if not path.is_file():
        raise NotABackup(f"no file at {path}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            versions = conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
        conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotABackup(f"{path} is not a Minka database: {exc}") from exc
    if ok != "ok" or not versions:
        raise NotABackup(f"{path} is damaged or not a Minka database ({ok})")
