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

import pytest

from bot.app import MinkaApplication
from bot.domain.registry_import import load_sample_schools
from bot.sandbox.fake_telegram import FakeTelegram
from storage import DatabaseUnavailable, Storage
from storage.follows import FollowKind, FollowMode
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
