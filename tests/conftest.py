"""Shared fixtures: a real SQLite file per test, settings pointing at the fake Telegram."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

# Telegram's RetryAfter warns about its int form unless this is set (PTB 22.8).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from storage import Storage  # noqa: E402


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = Storage(tmp_path / "minka.db")
    await opened.open()
    yield opened
    await opened.close()
