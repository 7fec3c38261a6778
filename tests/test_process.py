"""The bot as an operator runs it: a separate `python -m bot run` process, stopped by a signal."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from bot.sandbox.fake_telegram import FakeTelegram
from storage import Storage

ROOT = Path(__file__).resolve().parent.parent
ROSA = 1001


async def start_bot_process(fake: FakeTelegram, database: Path) -> asyncio.subprocess.Process:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("TELEGRAM_", "WEBHOOK_", "WEB_", "PUBLIC_URL"))
        },
        "TELEGRAM_BOT_TOKEN": fake.token,
        "WEB_PORT": "0",  # any free port: test runs on one machine never collide
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "DATABASE_PATH": str(database),
        "PYTHONPATH": str(ROOT),
    }
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
        await fake.next_message(ROSA, timeout=20)  # welcome; the first answer includes start-up
        await fake.next_message(ROSA)
        await fake.press(ROSA, "Acepto")
        await fake.next_message(ROSA)  # "¿Cómo te llamas?"
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
        assert "Rosa Quispe" in (reply.plain_text or "") and reply.button_labels[0] == "Docente"
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0
