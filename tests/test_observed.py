"""Each update is processed once and logged in one line without personal data."""

from __future__ import annotations

import logging

import pytest
from telegram import Update

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram

ROSA = 7654321  # digits that cannot occur inside an update id of the fake


async def test_an_update_delivered_twice_is_processed_once(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(ROSA, "Rosa")
    raw = await fake.send_text(ROSA, "/ayuda")
    await fake.next_message(ROSA)
    await bot.process_update(Update.de_json(raw, bot.bot))  # the same update again (a retry)
    await fake.send_text(ROSA, "/idioma")
    await fake.next_message(ROSA)
    helps = [m for m in fake.messages(ROSA) if "Lo que puedo hacer" in m.plain_text]
    assert len(helps) == 1


async def test_one_log_line_per_update_without_personal_data(
    fake: FakeTelegram, bot: MinkaApplication, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="minka.updates")
    fake.user(ROSA, "Rosa Quispe", username="rosaq")
    await fake.send_text(ROSA, "/start")
    await fake.next_message(ROSA)
    await fake.wait_until(lambda: any("route=command:start" in r.message for r in caplog.records))
    line = next(r.message for r in caplog.records if "route=command:start" in r.message)
    assert "outcome=ok" in line and "duration_ms=" in line
    for personal in (str(ROSA), "Rosa", "rosaq", fake.token):
        assert personal not in line
