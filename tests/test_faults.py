"""Faults injected through the fake Telegram and the storage layer."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.app import MinkaApplication
from bot.runner import running
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from storage import Storage
from storage.organizations import Organizations
from tests.helpers import accept_privacy, say, storage_of, tap

ROSA = 1001


async def test_get_updates_errors_and_timeouts_are_ridden_out(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    fake.fail_next("getUpdates", status=502, times=2)
    fake.fail_next("getUpdates", status=200, delay=1.0)  # a slow answer, then a normal one
    welcome = await say(fake, ROSA, "/start")
    assert "Minka" in welcome.plain_text


async def test_a_reply_that_fails_with_5xx_gets_an_apology_and_start_works_again(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    fake.fail_next("sendMessage", status=500, chat_id=ROSA)  # the welcome is lost
    apology = await say(fake, ROSA, "/start")
    assert "algo salió mal" in apology.plain_text.lower()
    await say(fake, ROSA, "/start")
    notice = await fake.next_message(ROSA)
    assert notice.button_labels == ["Acepto", "No acepto"]


async def test_a_write_failing_midway_rolls_back_and_the_user_is_told(
    fake: FakeTelegram, bot: MinkaApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.user(ROSA, "Rosa")
    await accept_privacy(fake, ROSA)
    await tap(fake, ROSA, "Usar «Rosa»")
    await tap(fake, ROSA, "ONG o fundación")
    await say(fake, ROSA, "Fundación Ayni")
    original = Organizations.create_in

    async def disk_fails_after_insert(*args: object, **kwargs: object) -> object:
        await original(*args, **kwargs)  # type: ignore[arg-type]
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Organizations, "create_in", staticmethod(disk_fails_after_insert))
    told = await tap(fake, ROSA, "➕ Crear «Fundación Ayni»")
    assert "algo salió mal" in told.plain_text.lower()
    storage = storage_of(bot)
    assert await storage.organizations.find_similar("ayni") == []  # rolled back, not half-written
    member = await storage.members.get(ROSA)
    assert member is not None and member.organization is None


async def test_a_database_locked_by_another_process_gets_a_busy_answer(
    fake: FakeTelegram, settings: Settings
) -> None:
    # A short busy timeout keeps the test quick; the bot runs with 5 s.
    async with running(settings, Storage(settings.database_path, busy_timeout=0.3)) as app:
        fake.user(ROSA, "Rosa")
        await say(fake, ROSA, "/start")
        await fake.next_message(ROSA)
        other = sqlite3.connect(Path(settings.database_path), timeout=1)
        other.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
        try:
            await fake.press(ROSA, "Acepto")
            busy = await fake.next_message(ROSA, timeout=15)
            assert "mucho trabajo" in busy.plain_text
        finally:
            other.rollback()
            other.close()
        assert await storage_of(app).members.get(ROSA) is None  # nothing half-written
