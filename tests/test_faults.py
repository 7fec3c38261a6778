"""Faults injected through the fake Telegram and the storage layer."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.app import REPLY_TRANSIENT_RETRIES, MinkaApplication
from bot.runner import running
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from storage import Storage
from storage.organizations import Organizations
from tests.helpers import accept_privacy, make_settings, register_ngo, say, storage_of, tap

ROSA, ANA = 1001, 2001


async def test_get_updates_errors_and_timeouts_are_ridden_out(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    fake.fail_next("getUpdates", status=502, times=2)
    fake.fail_next("getUpdates", status=200, delay=1.0)  # a slow answer, then a normal one
    welcome = await say(fake, ROSA, "/start")
    assert "Minka" in welcome.plain_text


@pytest.mark.usefixtures("frozen_clock")
async def test_a_confirmation_that_meets_one_502_still_arrives(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await say(fake, ANA, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h")
    fake.fail_next("sendMessage", status=502, chat_id=ANA)
    published = await tap(fake, ANA, "Publicar")
    assert "Publicado" in published.plain_text
    to_ana = [name for name, params in fake.calls if params.get("chat_id") == ANA]
    assert to_ana[-2:] == ["sendMessage", "sendMessage"]  # the 502 met, then the retry


async def test_a_429_on_one_chat_does_not_delay_another_chats_reply(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    fake.user(ANA, "Ana")
    fake.fail_next("sendMessage", status=429, retry_after=2, chat_id=ROSA)
    loop = asyncio.get_running_loop()
    started = loop.time()
    rosa = asyncio.create_task(say(fake, ROSA, "/start"))
    await fake.wait_until(lambda: any(p.get("chat_id") == ROSA for _, p in fake.calls))
    assert "Minka" in (await say(fake, ANA, "/start")).plain_text
    assert loop.time() - started < 1.5  # Ana was not paused with Rosa
    assert "Minka" in (await rosa).plain_text  # Rosa's welcome came after Telegram's pause
    assert loop.time() - started >= 2.0


async def test_two_messages_to_one_person_are_paced_instead_of_meeting_429(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    fake.rate_limit(per_chat_per_second=1)  # like Telegram: about one a second per chat
    async with running(make_settings(fake, tmp_path / "paced.db", chat_send_rate=1)):
        fake.user(ROSA, "Rosa")
        await accept_privacy(fake, ROSA)
        await tap(fake, ROSA, "Usar «Rosa»")
        await tap(fake, ROSA, "Docente")
        await tap(fake, ROSA, "Lo digo después")  # the prompt edited, then two new messages
        await fake.next_message(ROSA)
        menu = await fake.next_message(ROSA)  # the second new message of the same step
    assert "¿Qué quieres hacer?" in menu.plain_text
    assert fake.too_many_requests == 0  # it waited its turn instead of meeting a 429
    assert fake.send_times[-1] - fake.send_times[-2] >= 1.0


async def test_a_reply_that_keeps_failing_with_5xx_gets_an_apology_and_start_works_again(
    fake: FakeTelegram, bot: MinkaApplication, caplog: pytest.LogCaptureFixture
) -> None:
    fake.user(ROSA, "Rosa")
    # The welcome is lost: every retry meets a 500 too (one try and REPLY_TRANSIENT_RETRIES).
    fake.fail_next("sendMessage", status=500, chat_id=ROSA, times=1 + REPLY_TRANSIENT_RETRIES)
    apology = await say(fake, ROSA, "/start")
    assert "algo salió mal" in apology.plain_text.lower()
    given_up = [r for r in caplog.records if "did not take a reply" in r.getMessage()]
    assert len(given_up) == 1 and given_up[0].exc_info is None  # one line, no traceback
    notice = await say(fake, ROSA, "/start")
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
        # Patient for the lock itself, and waiting for it off the loop's thread: the bot may
        # still be in a transaction (what /start recorded, the minute's reminder job) that
        # needs the loop to finish; waiting on the loop's thread would hold it for the timeout.
        other = sqlite3.connect(Path(settings.database_path), timeout=10, check_same_thread=False)
        await asyncio.to_thread(other.execute, "BEGIN EXCLUSIVE")  # another program's lock
        try:
            await fake.press(ROSA, "Acepto")
            busy = await fake.next_message(ROSA, timeout=15)
            assert "mucho trabajo" in busy.plain_text
        finally:
            other.rollback()
            other.close()
        assert await storage_of(app).members.get(ROSA) is None  # nothing half-written
