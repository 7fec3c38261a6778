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
from tests.helpers import NOW, make_settings, set_clock


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = Storage(tmp_path / "minka.db")
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


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


@pytest.fixture
def frozen_clock(bot: MinkaApplication) -> None:
    """The bot's clock stopped at NOW (a Thursday morning in Lima): jobs and flows read it,
    nothing sleeps. Modules that want it say `pytestmark = pytest.mark.usefixtures(...)`."""
    set_clock(bot, NOW)
