"""The read path of every update (issue 18, "Cheaper updates"): the small indexed reads an update
makes first (the ban check, the member, the pending question, a school by its code) run on the
event loop's thread from a read-only connection (`Database.lookup`). Nothing about a person is
cached between updates, so what changes them (a ban or a grant from the operator's shell, a
language switch, /olvidarme) must show on their very next update. Real SQLite files, the real
Application over HTTP against the fake Telegram, the operator's real `python -m bot` process."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.app import MinkaApplication
from bot.domain.registry_import import load_sample_schools
from bot.domain.school_search import match_words, school_words
from bot.sandbox.fake_telegram import FakeTelegram
from storage import DatabaseUnavailable, Storage
from storage.db import CHECKPOINT_EVERY
from storage.follows import FollowKind, FollowMode
from storage.schools import INLINE_CANDIDATES
from tests.helpers import (
    ADMIN_ID,
    register_ngo,
    register_teacher,
    run_cli,
    say,
    storage_of,
    switch_to_english,
)

ROSA, ANA = 3101, 3102


async def test_a_lookup_sees_another_connections_commit_at_once(storage: Storage) -> None:
    await storage.members.record_consent(ROSA, "es")
    other = sqlite3.connect(storage.db.path)  # as `python -m bot ban` would, from its process
    try:
        other.execute("INSERT INTO bans (user_id, banned_at) VALUES (?, '2026-01-01')", (ROSA,))
        other.commit()
        assert await storage.moderation.is_banned(ROSA)
        other.execute("DELETE FROM bans WHERE user_id = ?", (ROSA,))
        other.commit()
        assert not await storage.moderation.is_banned(ROSA)
    finally:
        other.close()


async def test_a_lookup_neither_waits_for_nor_sees_a_transaction_still_open(
    storage: Storage,
) -> None:
    await storage.members.record_consent(ROSA, "es")
    async with storage.db.transaction() as session:
        await session.execute("UPDATE members SET language = 'en' WHERE user_id = ?", (ROSA,))
        # The shared connection's lock is held here: a read through it would wait for ever.
        member = await asyncio.wait_for(storage.members.get(ROSA), timeout=2)
        assert member is not None and member.language == "es"  # half-done work is not seen
    member = await storage.members.get(ROSA)
    assert member is not None and member.language == "en"  # committed: seen at once


async def test_lookups_never_hold_back_a_checkpoint(storage: Storage) -> None:
    """A reader that leaves a statement unfinished keeps a read transaction open, and the WAL
    can then never be emptied: it would grow for as long as the bot runs."""
    for user_id in range(1, 6):
        await storage.members.record_consent(user_id, "es")
    await load_sample_schools(storage)
    for user_id in range(1, 6):
        assert not await storage.moderation.is_banned(user_id)
        assert await storage.members.get(user_id) is not None
        assert len(await storage.schools.by_ids([1, 2, 3])) == 3  # several rows: read to the end
    await storage.members.set_name(1, "Rosa")  # a write after the reads, for the WAL to hold
    busy, in_wal, copied = await storage.db.fetchone("PRAGMA wal_checkpoint(TRUNCATE)") or (1, 0, 0)
    assert busy == 0 and in_wal == copied  # every frame copied back: no reader held it


async def test_a_closed_database_refuses_lookups(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "minka.db")
    await storage.open()
    assert await storage.members.get(ROSA) is None  # opens the read-only connection
    await storage.close()
    with pytest.raises(DatabaseUnavailable):
        await storage.members.get(ROSA)


def operator(database: Path, *args: str) -> None:
    """`python -m bot ARGS` against the running bot's database, as an operator types it."""
    env = {"DATABASE_PATH": str(database), "ADMIN_IDS": str(ADMIN_ID)}
    done = run_cli(*args, env=env, cwd=database.parent)
    assert done.returncode == 0, done.stderr


async def test_a_ban_from_the_shell_holds_from_the_next_update(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    database = storage_of(bot).db.path
    await asyncio.to_thread(operator, database, "ban", str(ROSA), "--reason", "spam")
    before = len(fake.messages(ROSA))
    await fake.send_text(ROSA, "/ayuda")
    fake.user(ANA, "Ana")
    await say(fake, ANA, "/ayuda")  # answered after Rosa's update was (not) answered
    assert len(fake.messages(ROSA)) == before

    await asyncio.to_thread(operator, database, "unban", str(ROSA))
    assert "/buscar" in (await say(fake, ROSA, "/ayuda")).plain_text


async def test_a_grant_from_the_shell_holds_from_the_next_update(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    own = await say(fake, ANA, "/exportar")  # her organization only: straight to the period
    assert "Este mes" in own.button_labels and "Provincia Lima" not in own.button_labels
    database = storage_of(bot).db.path
    await asyncio.to_thread(operator, database, "grant", str(ANA), "coordinator", "--scope", "1501")
    scopes = await say(fake, ANA, "/exportar")
    assert scopes.button_labels == ["Provincia Lima", "Fundación Ayni"]


async def test_a_language_switch_and_olvidarme_hold_from_the_next_update(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    assert "/buscar" in (await say(fake, ROSA, "/ayuda")).plain_text
    await switch_to_english(fake, ROSA)
    assert "/school" in (await say(fake, ROSA, "/help")).plain_text

    await say(fake, ROSA, "/forgetme")
    await fake.press(ROSA, "Yes, erase me")
    erased = await fake.next_event(ROSA)  # the question edited into the answer
    assert "I erased your data" in erased.message.plain_text
    welcome = await say(fake, ROSA, "/start")  # the welcome and the notice, one message
    assert "Acepto" in welcome.button_labels  # a newcomer again


async def test_a_lone_write_waits_for_nothing_half_done_and_busy_is_an_outage(
    tmp_path: Path,
) -> None:
    """`Database.write` runs one statement without BEGIN/COMMIT (SQLite makes it atomic)."""
    storage = Storage(tmp_path / "minka.db", busy_timeout=0.2)
    await storage.open()
    other = sqlite3.connect(storage.db.path, timeout=1)
    try:
        other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
        with pytest.raises(DatabaseUnavailable):
            await storage.questions.remember(ROSA, "announce", 7, "¿Dónde?", None)
        other.rollback()
        await storage.questions.remember(ROSA, "announce", 7, "¿Dónde?", None)
        pending = await storage.questions.get(ROSA)
        assert pending is not None and (pending.message_id, pending.text) == (7, "¿Dónde?")
    finally:
        other.close()
        await storage.close()


async def test_a_new_follow_is_added_once_and_takes_the_chats_mode(storage: Storage) -> None:
    await storage.chats.remember(ROSA, "private")
    assert await storage.follows.follow(ROSA, FollowKind.SCHOOL, "1")
    assert not await storage.follows.follow(ROSA, FollowKind.SCHOOL, "1")  # already followed
    await storage.follows.set_mode(ROSA, FollowMode.DAILY)
    assert await storage.follows.follow(ROSA, FollowKind.DISTRICT, "150135")
    modes = {f.target: f.mode for f in await storage.follows.of_chat(ROSA)}
    assert modes == {"1": FollowMode.DAILY, "150135": FollowMode.DAILY}


class WriteSpy:
    """Counts `Database.write` calls."""

    def __init__(self, storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
        self.statements: list[str] = []
        write = storage.db.write

        async def counted(sql: str, params: Any = ()) -> Any:
            self.statements.append(sql.split()[0])
            return await write(sql, params)

        monkeypatch.setattr(storage.db, "write", counted)


GROUP = -1001234


async def test_a_sign_of_life_during_a_delivery_failure_leaves_the_chat_active(
    storage: Storage,
) -> None:
    """The group re-adds the bot while the delivery worker is marking it inactive: remembering
    the chat (a write, under the same lock as that transaction) comes after it and wins."""
    await storage.chats.remember(GROUP, "supergroup", "Docentes UGEL 02", "es")
    marking, go_on = asyncio.Event(), asyncio.Event()

    async def delivery_failure() -> None:
        async with storage.db.transaction() as session:
            await session.execute(
                "UPDATE chats SET active = 0, inactive_reason = ? WHERE id = ?",
                ("Forbidden: bot was kicked", GROUP),
            )
            marking.set()
            await go_on.wait()

    failure = asyncio.create_task(delivery_failure())
    await marking.wait()
    remembered = asyncio.create_task(storage.chats.remember(GROUP, "supergroup"))
    await asyncio.sleep(0.05)
    go_on.set()
    await failure
    chat = await remembered
    assert chat.active and chat.inactive_reason is None
    stored = await storage.chats.get(GROUP)
    assert stored is not None and stored.active


async def test_a_flow_started_again_keeps_nothing_of_its_last_draft_in_one_write(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    await storage.drafts.update(ROSA, "announce", school_id=7, title="Campaña", touched="x")
    spy = WriteSpy(storage, monkeypatch)
    await storage.drafts.replace(ROSA, "announce", touched="y")
    assert spy.statements == ["INSERT"]
    assert await storage.drafts.get(ROSA, "announce") == {"touched": "y"}
    await storage.drafts.replace(ANA, "announce", touched="z")  # none before: created
    assert await storage.drafts.get(ANA, "announce") == {"touched": "z"}


@pytest.mark.parametrize(
    ("text", "inline"),
    [("2045", True), ("santa rosa", True), ("inicial", False), ("cusco", False)],
)
async def test_a_search_reads_few_candidates_on_the_loops_thread_and_many_on_the_database_thread(
    storage: Storage, monkeypatch: pytest.MonkeyPatch, text: str, inline: bool
) -> None:
    """The same candidates either way; only where they are read differs (storage.schools
    INLINE_CANDIDATES: 50)."""
    await load_sample_schools(storage)
    words = [m for m in await match_words(storage.schools, school_words(text)) if m.can_match]
    groups = [match.group() for match in words]
    counted = await storage.schools.count_matches(groups, at_most=301)
    assert (counted <= INLINE_CANDIDATES) is inline
    read_on_thread = await storage.schools.candidates(groups, 300)
    trips: list[str] = []
    fetchall = storage.db.fetchall

    async def on_thread(sql: str, params: Any = ()) -> Any:
        trips.append(sql)
        return await fetchall(sql, params)

    monkeypatch.setattr(storage.db, "fetchall", on_thread)
    found = await storage.schools.candidates(groups, 300, counted=counted)
    assert found == read_on_thread and len(found) == counted
    assert (trips == []) is inline


class ThreadTrips:
    """Counts the statements that went through aiosqlite's thread (its `execute_fetchall`)."""

    def __init__(self, storage: Storage, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        conn = storage.db._connection()
        through_thread = conn.execute_fetchall

        async def counted(sql: str, params: Any = ()) -> Any:
            self.count += 1
            return await through_thread(sql, params)

        monkeypatch.setattr(conn, "execute_fetchall", counted)


async def test_lone_writes_run_on_the_loops_thread_but_two_in_checkpoint_every(
    storage: Storage, monkeypatch: pytest.MonkeyPatch
) -> None:
    trips = ThreadTrips(storage, monkeypatch)
    for message_id in range(CHECKPOINT_EVERY * 3):
        await storage.questions.remember(ROSA, "announce", message_id, "¿Dónde?", None)
    assert trips.count == 2 * 3  # the one that may checkpoint and the one after it
    pending = await storage.questions.get(ROSA)
    assert pending is not None and pending.message_id == CHECKPOINT_EVERY * 3 - 1


async def test_lone_writes_keep_the_wal_from_growing(tmp_path: Path) -> None:
    """Their own connection never checkpoints; the WAL must still be copied back now and then
    (SQLite's default: at 1,000 pages), or it would grow with every write for as long as the bot
    runs. 4,000 writes of ~2 KB would make a WAL of 8 MB and more without it."""
    storage = Storage(tmp_path / "minka.db")
    await storage.open()
    try:
        text = "x" * 2000
        for n in range(4000):
            await storage.questions.remember(ROSA + n % 50, "announce", n, text, None)
        wal = tmp_path / "minka.db-wal"
        page_size = await storage.db.scalar("PRAGMA page_size")
        assert wal.stat().st_size < 1500 * page_size
    finally:
        await storage.close()


async def test_a_lone_write_waits_for_a_transaction_and_outlives_its_rollback(
    storage: Storage,
) -> None:
    """Under the same lock as a transaction: never inside it, so its rollback cannot undo it."""
    started, go_on = asyncio.Event(), asyncio.Event()

    async def failing_transaction() -> None:
        async with storage.db.transaction() as session:
            await session.execute(
                "INSERT INTO drafts (user_id, flow, data, updated_at) VALUES (?, ?, '{}', '')",
                (ANA, "announce"),
            )
            started.set()
            await go_on.wait()
            raise RuntimeError("the transaction fails")

    transaction = asyncio.create_task(failing_transaction())
    await started.wait()
    write = asyncio.create_task(storage.drafts.replace(ROSA, "announce", touched="y"))
    await asyncio.sleep(0.05)
    assert not write.done()  # waiting for the transaction, not written beside it
    go_on.set()
    with pytest.raises(RuntimeError):
        await transaction
    await write
    assert await storage.drafts.get(ROSA, "announce") == {"touched": "y"}
    assert await storage.drafts.get(ANA, "announce") == {}


async def test_a_lone_write_checks_foreign_keys(storage: Storage) -> None:
    """Foreign keys are a setting of each connection; the loop's own one turns them on too."""
    with pytest.raises(sqlite3.IntegrityError):
        await storage.follows.follow(4242, FollowKind.SCHOOL, "1")  # a chat never remembered
    assert await storage.follows.of_chat(4242) == []


async def test_a_cancelled_write_on_the_database_thread_is_not_overtaken(storage: Storage) -> None:
    """A write that goes to aiosqlite's thread runs there even if its caller is cancelled; the
    lock is held until it has, so the writes after it (on the loop's thread) land after it."""
    await storage.drafts.replace(ROSA, "announce", touched="before")
    # The thread busy for a moment (a long read, outside the lock), so the write waits there.
    busy = asyncio.create_task(
        storage.db._connection().execute_fetchall(
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000)"
            " SELECT count(*) FROM c"
        )
    )
    storage.db._lone_writes = CHECKPOINT_EVERY  # the next write goes to the thread
    cancelled = asyncio.create_task(storage.drafts.replace(ROSA, "announce", touched="a"))
    await asyncio.sleep(0.01)  # it holds the lock and waits behind the long read
    assert not busy.done()
    cancelled.cancel()
    after = asyncio.create_task(storage.drafts.replace(ROSA, "announce", touched="b"))
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await asyncio.gather(after, busy)
    assert await storage.drafts.get(ROSA, "announce") == {"touched": "b"}


async def test_closing_waits_for_a_queued_write_and_leaves_no_connection_behind(
    tmp_path: Path,
) -> None:
    """A write waiting for the lock when the bot shuts down is made, and then every connection
    closes: the last one checkpoints the WAL into the database file and removes it."""
    storage = Storage(tmp_path / "minka.db")
    await storage.open()
    await storage.drafts.replace(ROSA, "announce", touched="a")
    holding, go_on = asyncio.Event(), asyncio.Event()

    async def transaction() -> None:
        async with storage.db.transaction():
            holding.set()
            await go_on.wait()

    held = asyncio.create_task(transaction())
    await holding.wait()
    queued = asyncio.create_task(storage.drafts.replace(ANA, "announce", touched="b"))
    await asyncio.sleep(0)
    closing = asyncio.create_task(storage.close())
    await asyncio.sleep(0)
    go_on.set()
    await asyncio.gather(held, queued, closing)
    assert not (tmp_path / "minka.db-wal").exists()
    with sqlite3.connect(tmp_path / "minka.db") as check:
        rows = check.execute("SELECT user_id FROM drafts ORDER BY user_id").fetchall()
    assert rows == [(ROSA,), (ANA,)]
