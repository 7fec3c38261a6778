"""Roles and scope (issue 14, "No dead ends"): /verificar shows the match and asks, and
nobody verifies their own organization. Real HTTP against the fake Telegram."""

from __future__ import annotations

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from storage.roles import RoleName
from tests.helpers import register_ngo, say, storage_of, tap

ELENA, ANA = 2801, 2802


async def test_verify_asks_first_and_never_ones_own(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: "/verificar UGEL 02" verified a partial name with no confirmation, and a
    coordinator verified her own organization."""
    await register_ngo(fake, ELENA, "Elena", "UGEL 02 Rímac")
    await storage_of(bot).roles.grant(ELENA, RoleName.COORDINATOR, scope_ubigeo="150135")
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")

    asked = await say(fake, ELENA, "/verificar UGEL 02")
    assert "¿Verifico «UGEL 02 Rímac»?" in asked.plain_text
    assert asked.button_labels == ["UGEL 02 Rímac"]
    refused = await tap(fake, ELENA, "UGEL 02 Rímac")
    assert "No puedes verificar UGEL 02 Rímac: es tu propia organización" in refused.plain_text
    own = await storage_of(bot).organizations.find_similar("UGEL 02 Rímac", limit=1)
    assert not own[0].verified

    await say(fake, ELENA, "/verificar ayni")
    done = await tap(fake, ELENA, "Fundación Ayni")
    assert "Fundación Ayni ahora aparece como verificada" in done.plain_text
