"""/ayuda shows what this person can use (issue 14, "No dead ends"), the rest on request.
Real HTTP against the fake Telegram with the real Application."""

from __future__ import annotations

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from bot.views.commands import COMMANDS
from storage.roles import RoleName
from tests.helpers import register_ngo, register_teacher, say, storage_of

ROSA, ANA = 2501, 2502
COORDINATOR_ONLY = ("/difundir", "/difusiones", "/verificar")


async def test_a_teacher_sees_her_commands_and_the_rest_on_request(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: /ayuda showed a teacher all 19 commands, coordinator ones included."""
    await register_teacher(fake, ROSA)
    shown = await say(fake, ROSA, "/ayuda")
    assert "/anunciar" in shown.plain_text and "/miescuela" in shown.plain_text
    assert not [name for name in COORDINATOR_ONLY if name in shown.plain_text]
    assert "/otorgar" not in shown.plain_text and "/vincular" not in shown.plain_text
    assert "8 comandos más para otros perfiles" in shown.plain_text  # 24 in all, 16 hers

    everything = await say(fake, ROSA, "/ayuda todo")
    for command in COMMANDS:
        assert f"/{command.es} " in everything.plain_text, command.es
    assert "comandos más" not in everything.plain_text


async def test_a_coordinator_sees_hers_and_an_ngo_no_teacher_ones(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    ngo = await say(fake, ANA, "/ayuda")
    assert "/miescuela" not in ngo.plain_text and "/difundir" not in ngo.plain_text
    await storage_of(bot).roles.grant(ANA, RoleName.COORDINATOR, scope_ubigeo="150135")
    coordinator = await say(fake, ANA, "/help")
    assert all(name in coordinator.plain_text for name in COORDINATOR_ONLY)
    assert "/otorgar" not in coordinator.plain_text
