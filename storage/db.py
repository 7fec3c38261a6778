"""The one long-lived SQLite connection of a Minka process, and the transaction helper.

aiosqlite runs every statement on one worker thread, so a single connection is cheap; the danger is
that a `commit()` from one coroutine would commit another coroutine's half-done work. Every access
therefore goes through `Database.transaction()` (writes: BEGIN IMMEDIATE) or `Database.read()`,
both serialised by one asyncio lock.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]


class StorageError(Exception):
    """Base class of the domain errors storage raises; handlers turn them into replies."""


class DatabaseUnavailable(StorageError):
    """The database file cannot be opened or is locked for longer than the busy timeout."""


@contextmanager
def _busy_is_unavailable() -> Iterator[None]:
    """Another process holding the write lock past busy_timeout is an outage, not a bug."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise DatabaseUnavailable(f"the database is busy: {exc}") from exc
        raise


BUSY_TIMEOUT_S = 5.0


class Session:
    """What a transaction or read block may do: parameterised statements only."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed."""
        cursor = await self._conn.execute(sql, params)
        count = cursor.rowcount
        await cursor.close()
        return count

    async def insert(self, sql: str, params: Params = ()) -> int:
        cursor = await self._conn.execute(sql, params)
        row_id = cursor.lastrowid
        await cursor.close()
        if row_id is None:
            raise StorageError("insert returned no row id")
        return row_id

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        rows = await self._conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        return list(await self._conn.execute_fetchall(sql, params))

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Database:
    """Owns the connection. Open once per process, close on shutdown."""

    def __init__(self, path: Path | str, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    async def open(self) -> None:
        if self._conn is not None:
            return
        if str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # `timeout` is SQLite's busy timeout: how long a write waits for another process.
            conn = await aiosqlite.connect(
                self.path, isolation_level=None, timeout=self.busy_timeout
            )
        except Exception as exc:  # sqlite3.OperationalError mostly; keep the reason
            raise DatabaseUnavailable(f"cannot open database {self.path}: {exc}") from exc
        conn.row_factory = aiosqlite.Row
        await self._configure(conn)
        self._conn = conn

    @staticmethod
    async def _configure(conn: aiosqlite.Connection) -> None:
        # WAL lets a backup or a CLI read while the bot writes; NORMAL sync is safe with WAL.
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")

    async def close(self) -> None:
        if self._conn is not None:
            async with self._lock:
                await self._conn.close()
                self._conn = None

    def _connection(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise DatabaseUnavailable("the database is not open")
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """A write transaction: all or nothing, never interleaved with another coroutine's."""
        async with self._lock:
            conn = self._connection()
            with _busy_is_unavailable():
                await conn.execute("BEGIN IMMEDIATE")
            try:
                yield Session(conn)
            except BaseException:
                await conn.rollback()
                raise
            else:
                with _busy_is_unavailable():
                    await conn.commit()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Session]:
        """Several reads that see one consistent state (and never a half-done transaction)."""
        async with self._lock:
            yield Session(self._connection())

    async def fetchone(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        async with self.read() as session:
            return await session.fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        async with self.read() as session:
            return await session.fetchall(sql, params)

    async def scalar(self, sql: str, params: Params = ()) -> Any:
        async with self.read() as session:
            return await session.scalar(sql, params)
