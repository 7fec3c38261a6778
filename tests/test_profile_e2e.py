"""/perfil: correct one's name and organization, show or hide one's contact."""

from __future__ import annotations

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from tests.helpers import register_ngo, register_teacher, say, storage_of, tap

ANA, ROSA = 2001, 1001


async def test_correct_name_and_organization(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundacion Ayni")
    profile = await say(fake, ANA, "/perfil")
    assert "Organización: Fundacion Ayni" in profile.plain_text
    assert profile.button_labels[:2] == ["✏️ Corregir mi nombre", "🏢 Cambiar de organización"]
    ask = await tap(fake, ANA, "✏️ Corregir mi nombre")
    assert "Escribe tu nombre" in ask.plain_text
    assert "entre 2 y 64" in (await say(fake, ANA, "A")).plain_text
    updated = await say(fake, ANA, "Ana <i>Mamani</i>")
    assert "actualicé tu perfil" in updated.plain_text and "Ana <i>Mamani</i>" in updated.plain_text

    await tap(fake, ANA, "🏢 Cambiar de organización")
    offer = await say(fake, ANA, "Fundación Wiñay")
    await tap(fake, ANA, offer.button_labels[0])  # "➕ Crear «Fundación Wiñay»"
    final = await fake.next_message(ANA)
    assert "Organización: Fundación Wiñay" in final.plain_text
    member = await storage_of(bot).members.get(ANA)
    assert member is not None and member.organization is not None
    assert (member.name, member.organization.name) == ("Ana <i>Mamani</i>", "Fundación Wiñay")


async def test_teachers_have_no_organization_button(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA, username="rosa_q")
    profile = await say(fake, ROSA, "/perfil")
    assert profile.button_labels == ["✏️ Corregir mi nombre", "Mostrar mi contacto"]
    await fake.press(ROSA, "Mostrar mi contacto")
    shown = await fake.next_event(ROSA)
    assert "@rosa_q" in shown.message.plain_text
