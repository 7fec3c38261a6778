"""The one long-lived SQLite connection of a Minka process, and the transaction helper.

aiosqlite runs every statement on one worker thread, so a single connection is cheap; the danger is
that a `commit()` from one coroutine would commit another coroutine's half-done work. Every access
therefore goes through `Database.transaction()` (writes: BEGIN IMMEDIATE) or `Database.read()`,
both serialised by one asyncio lock.

The one exception is `Database.lookup`: the small reads an index answers at once (the ban
check, the member, a school by its code), which nearly every update makes before it can answer.
Through aiosqlite each waits for a hand-off to the worker thread and back (~1 ms, more on a
busy machine) for a read that takes 10-50 µs; `lookup` runs them on the event loop's own
thread, on a second, read-only connection (WAL lets it read beside the writer). The decision
and its numbers are in docs/performance.md ("The read path"). For the same reason a lone write
of one keyed row (`Database.write`: a follow, a draft, a conversation's state) runs on the loop's
thread too, on a third connection, still under the lock ("Lone writes").
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Iterable, Iterator, Sequence
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


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


@contextmanager
def _busy_is_unavailable() -> Iterator[None]:
    """Another process holding the write lock past busy_timeout is an outage, not a bug."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            raise DatabaseUnavailable(f"the database is busy: {exc}") from exc
        raise


BUSY_TIMEOUT_S = 5.0
# Lone writes run on the loop's thread, where the WAL is never checkpointed; one in this many
# (and the one after it, see `Database._lone_writer`) goes through aiosqlite's connection, whose
# commit checkpoints once the WAL holds 1,000 pages (SQLite's default). A lone write adds a few
# pages: the WAL stays near that size. A transaction's commit may checkpoint too; the next
# write then syncs the WAL's new header, on the loop's thread if it is a lone write: once per
# 1,000 pages at most.
CHECKPOINT_EVERY = 64
# Rows per step of Session.stream: big enough that the thread hop is noise, small enough that
# an export of 100,000 activities never holds more than this many in memory.
STREAM_BATCH = 1000


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

    async def stream(
        self, sql: str, params: Params = (), batch: int = STREAM_BATCH
    ) -> AsyncIterator[list[aiosqlite.Row]]:
        """The rows of one query, `batch` at a time: memory stays flat however many there are."""
        cursor = await self._conn.execute(sql, params)
        try:
            while rows := list(await cursor.fetchmany(batch)):
                yield rows
        finally:
            await cursor.close()


def _open_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection that never waits for a lock (timeout 0): it runs on the event
    loop's thread, where waiting would stall every update; a busy read goes the slow way."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        # check_same_thread off: the loop's thread uses it, but a test may run several loops.
        reader = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=0, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"cannot read database {path}: {exc}") from exc
    reader.row_factory = sqlite3.Row
    return reader


def _open_writer(path: Path) -> sqlite3.Connection:
    """The connection for lone writes on the event loop's thread: never waits for a lock (a busy
    write goes the slow way) and never checkpoints (that copies the WAL into the database file
    and syncs it: milliseconds the loop must not spend; aiosqlite's connection does it, see
    CHECKPOINT_EVERY)."""
    try:
        writer = sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)
        writer.execute("PRAGMA synchronous = NORMAL")
        writer.execute("PRAGMA foreign_keys = ON")
        writer.execute("PRAGMA wal_autocheckpoint = 0")
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"cannot open database {path}: {exc}") from exc
    writer.row_factory = sqlite3.Row
    return writer


async def _run_to_the_end(statement: Awaitable[Iterable[aiosqlite.Row]]) -> list[aiosqlite.Row]:
    """A lone write on aiosqlite's thread, waited for to its end even if the caller is cancelled
    meanwhile: the lock is held until then, so a later write on the loop's thread cannot commit
    before it (and then be overwritten by it)."""
    running = asyncio.ensure_future(statement)
    try:
        return list(await asyncio.shield(running))
    except asyncio.CancelledError:
        await asyncio.wait({running})  # the statement runs on regardless; hold the lock till then
        raise


class Database:
    """Owns the connection. Open once per process, close on shutdown."""

    def __init__(self, path: Path | str, busy_timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._reader: sqlite3.Connection | None = None  # for `lookup`, opened at first use
        self._writer: sqlite3.Connection | None = None  # for `write`, opened at first use
        self._lone_writes = 0

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
        # Under the lock: a write waiting for it would otherwise open a new loop-thread
        # connection after this one closed it. aiosqlite's connection closes last, so it is the
        # one that checkpoints the WAL, on its own thread.
        async with self._lock:
            for quick in (self._reader, self._writer):
                if quick is not None:
                    quick.close()
            self._reader = self._writer = None
            if self._conn is not None:
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

    async def write(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """One statement on its own that an index answers at once (a row by its key), all or
        nothing: SQLite makes a lone statement atomic, so it needs no BEGIN and COMMIT around it.
        Returns the rows of its RETURNING clause, if any.

        It runs on the event loop's thread, on a connection of its own: ~0.1-0.3 ms, where the
        trip to aiosqlite's thread cost an update 1-1.7 ms while the loop was busy (docs/
        performance.md, "Lone writes"). Under the lock, so never inside another coroutine's
        transaction or read block. When SQLite is busy (another process writes) it goes to
        aiosqlite's thread and waits there; so does every CHECKPOINT_EVERY-th write, whose commit
        lets SQLite checkpoint the WAL off the loop's thread (and the write after it)."""
        async with self._lock:
            conn = self._connection()
            writer = self._lone_writer()
            if writer is not None:
                try:
                    return writer.execute(sql, params).fetchall()
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc):
                        raise
            with _busy_is_unavailable():
                return await _run_to_the_end(conn.execute_fetchall(sql, params))

    def _lone_writer(self) -> sqlite3.Connection | None:
        """The loop thread's connection for this write, or None for aiosqlite's: an in-memory
        database has no file to share; and one write in CHECKPOINT_EVERY, whose commit may
        checkpoint the WAL, then the one after it, which would start the WAL over after a
        checkpoint (and sync its header: a disk's latency the loop must not wait for)."""
        self._lone_writes += 1
        if str(self.path) == ":memory:" or self._lone_writes % CHECKPOINT_EVERY in (0, 1):
            return None
        if self._writer is None:
            self._writer = _open_writer(self.path)
        return self._writer

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

    async def lookup(self, sql: str, params: Params = ()) -> aiosqlite.Row | None:
        """The one row an index finds (a primary or unique key), read at once; see
        `lookup_all`."""
        return next(iter(await self.lookup_all(sql, params)), None)

    async def lookup_all(self, sql: str, params: Params = ()) -> list[aiosqlite.Row]:
        """A few rows an index finds, read on the event loop's thread (no hand-off to
        aiosqlite's): 10-50 µs instead of ~1 ms. Only for reads an index answers in
        microseconds: a slow query here would stall every update. It sees every committed write
        (a transaction still open elsewhere is not seen: the read comes just before it), never
        waits for a lock, and when SQLite is busy takes the shared connection instead."""
        reader = self._lookup_connection()
        if reader is None:
            return await self.fetchall(sql, params)
        try:
            # Read to the end: a statement left unfinished keeps its read transaction open, and
            # a reader that never lets go holds back WAL checkpoints (the WAL would only grow).
            return reader.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            return await self.fetchall(sql, params)

    def _lookup_connection(self) -> sqlite3.Connection | None:
        """The read-only connection (None for an in-memory database, which has no file)."""
        self._connection()  # the same "not open" error as every other access
        if self._reader is None and str(self.path) != ":memory:":
            self._reader = _open_reader(self.path)
        return self._reader

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Session]:
        """Long reads (an export of a whole region) on a read-only connection of their own, in
        one read transaction: they see one consistent state, and the bot's connection keeps
        answering people meanwhile (WAL lets readers and the writer work at once)."""
        self._connection()  # the same "not open" error as every other access
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            conn = await aiosqlite.connect(uri, uri=True, timeout=self.busy_timeout)
        except Exception as exc:  # sqlite3.OperationalError mostly; keep the reason
            raise DatabaseUnavailable(f"cannot read database {self.path}: {exc}") from exc
        conn.row_factory = aiosqlite.Row
        try:
            await conn.execute("BEGIN")
            yield Session(conn)
        finally:
            await conn.close()
