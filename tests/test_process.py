"""The bot as an operator runs it: a separate `python -m bot run` process, stopped by a signal."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot.sandbox.fake_telegram import FakeTelegram
from storage import Storage
from tests.helpers import bot_environment, next_answer

ROSA = 1001


async def start_bot_process(fake: FakeTelegram, database: Path) -> asyncio.subprocess.Process:
    env = bot_environment(fake, database)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=database.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def test_sigterm_mid_conversation_keeps_the_step(fake: FakeTelegram, tmp_path: Path) -> None:
    database = tmp_path / "minka.db"
    fake.user(ROSA, "Rosa")
    process = await start_bot_process(fake, database)
    try:
        await fake.send_text(ROSA, "/start")
        # The welcome and the notice; the first answer includes start-up.
        await fake.next_message(ROSA, timeout=20)
        await fake.press(ROSA, "Acepto")
        await next_answer(fake, ROSA)  # the notice edited into "¿Cómo te llamas?"
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, output.decode()
    assert b"Traceback" not in output and fake.token.encode() not in output

    storage = Storage(database)
    await storage.open()
    states = await storage.conversations.load("onboarding")
    await storage.close()
    assert states == {(ROSA, ROSA): "name"}

    process = await start_bot_process(fake, database)  # a new process resumes at that step
    try:
        await fake.send_text(ROSA, "Rosa Quispe")
        reply = await fake.next_message(ROSA, timeout=20)
        assert "Rosa Quispe" in reply.plain_text and reply.button_labels[0] == "Docente"
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
