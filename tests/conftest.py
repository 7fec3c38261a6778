"""Shared fixtures: a real SQLite file per test, settings pointing at the fake Telegram."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# Telegram's RetryAfter warns about its int form unless this is set (PTB 22.8).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.app import MinkaApplication
from bot.domain.registry_import import load_sample_schools
from bot.runner import running
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from storage import Storage


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = Storage(tmp_path / "minka.db")
    await opened.open()
    yield opened
    await opened.close()


ADMIN_ID = 900


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


def make_settings(fake: FakeTelegram, database: Path, **overrides: object) -> Settings:
    """Settings as a deployment would have them, pointed at the fake; no .env file is read."""
    values: dict[str, object] = {
        "telegram_bot_token": fake.token,
        "telegram_api_base_url": fake.base_url,
        "database_path": database,
        "admin_ids": [ADMIN_ID],
        "webhook_url": None,
        # Any free port for the web server: test runs on one machine never collide.
        "web_port": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


@pytest.fixture
def settings(fake: FakeTelegram, tmp_path: Path) -> Settings:
    return make_settings(fake, tmp_path / "minka.db")


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[MinkaApplication]:
    """The real Application, polling the fake over HTTP, with a real SQLite file holding the
    bundled synthetic school registry."""
    storage = Storage(settings.database_path)
    await storage.open()
    await load_sample_schools(storage)
    async with running(settings, storage) as app:
        yield app
