"""A crash mid-broadcast loses nothing: `python -m bot run` is killed with SIGKILL while it drains
500 messages, started again, and every chat gets its message; only the few that were on their
way to Telegram at the moment of the kill may arrive twice."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.outbox.delivery import DeliveryPolicy
from bot.sandbox.fake_telegram import FakeTelegram
from storage import Storage
from storage.outbox import OutboxItem
from tests.helpers import bot_environment

# 500 messages at 25 a second: killed after 8 s, the rest in 12 s after the restart.
CHATS = range(50_001, 50_501)
SEND_RATE = 25
KILL_AFTER = 200


async def start_bot(fake: FakeTelegram, database: Path, log: Path) -> asyncio.subprocess.Process:
    env = bot_environment(fake, database, SEND_RATE=str(SEND_RATE))
    # The log goes to a file: a pipe nobody reads while the messages go out could fill up.
    with log.open("ab") as output:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=database.parent, stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip


async def fill_outbox(database: Path) -> None:
    storage = Storage(database)
    await storage.open()
    try:
        items = [OutboxItem(chat_id, f"Aviso para {chat_id}") for chat_id in CHATS]
        assert await storage.outbox.enqueue("broadcast:1", items) == len(CHATS)
    finally:
        await storage.close()


async def test_sigkill_mid_drain_loses_nothing(fake: FakeTelegram, tmp_path: Path) -> None:
    database, log = tmp_path / "minka.db", tmp_path / "bot.log"
    for chat_id in CHATS:
        fake.user(chat_id, f"User{chat_id}")
    fake.rate_limit(global_per_second=200)
    await fill_outbox(database)

    process = await start_bot(fake, database, log)
    try:
        await fake.wait_until(lambda: fake.sent_count >= KILL_AFTER, 30, what=f"{KILL_AFTER} sends")
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()
    killed_at = fake.sent_count
    assert killed_at < len(CHATS), "the bot finished before it was killed"

    process = await start_bot(fake, database, log)
    try:
        await fake.wait_until(
            lambda: all(fake.messages(chat_id) for chat_id in CHATS), 50, what="every chat"
        )
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 20)
    output = log.read_text(encoding="utf-8")
    assert process.returncode == 0 and "Traceback" not in output, output[-3000:]

    duplicates = sum(len(fake.messages(chat_id)) - 1 for chat_id in CHATS)
    assert duplicates <= DeliveryPolicy.for_rate(SEND_RATE).max_in_flight
    assert fake.too_many_requests == 0
    storage = Storage(database)
    await storage.open()
    stats = await storage.outbox.stats(datetime(2000, 1, 1, tzinfo=UTC))
    await storage.close()
    assert (stats.sent, stats.pending, stats.claimed) == (len(CHATS), 0, 0)
