"""A teacher's announcements carry her name and her school (issue 14, "No dead ends"), as the
privacy notice says, and a teacher who came by a school's link is offered that school. Real
HTTP against the fake Telegram with the real Application."""

from __future__ import annotations

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from tests.helpers import NOW, accept_privacy, register_teacher, say, set_clock, storage_of, tap

ROSA, LUCIA = 2701, 2702
MARIATEGUI = "I.E. N° 2045 José Carlos Mariátegui"


async def test_a_teachers_activity_shows_her_name_and_school(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: "Docentes de la escuela anunció", with no name, at any school."""
    set_clock(bot, NOW)
    await register_teacher(fake, ROSA, school_query="mariategui san martin de porres")
    preview = await say(fake, ROSA, "/anunciar 9000001 | Taller de lectura | lunes 10am | 2 h")
    assert "👤 Rosa, docente de esta escuela" in preview.plain_text
    await tap(fake, ROSA, "Publicar")
    card = await say(fake, ROSA, "/start s_9000001_0")
    assert "Taller de lectura (Rosa, docente de esta escuela)" in card.plain_text
    assert "Docentes de la escuela" not in card.plain_text

    elsewhere = await say(
        fake, ROSA, "/anunciar 9000003 | Feria de ciencias | martes 10am | 2 h | otro"
    )
    assert f"👤 Rosa, docente de {MARIATEGUI} (no de esta escuela)" in elsewhere.plain_text
    await tap(fake, ROSA, "Publicar")
    card = await say(fake, ROSA, "/start s_9000003_0")
    assert f"Feria de ciencias (Rosa, docente de {MARIATEGUI} (no de esta escuela))" in (
        card.plain_text
    )


async def test_a_teacher_who_came_by_a_schools_link_is_offered_it(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    fake.user(LUCIA, "Lucía")
    await say(fake, LUCIA, "/start s_9000003_0")  # the welcome and the notice
    await tap(fake, LUCIA, "Acepto")
    await tap(fake, LUCIA, "Usar «Lucía»")
    ask = await tap(fake, LUCIA, "Docente")
    assert "¿Enseñas en IEI N° 123 Niño Jesús?" in ask.plain_text
    assert ask.button_labels[0].startswith("IEI N° 123 Niño Jesús")
    assert ask.button_labels[-1] == "Lo digo después"
    chosen = await tap(fake, LUCIA, ask.button_labels[0])
    assert "tu escuela es IEI N° 123 Niño Jesús" in chosen.plain_text
    member = await storage_of(bot).members.get(LUCIA)
    school = await storage_of(bot).schools.get("9000003")
    assert member is not None and school is not None and member.school_id == school.id


async def test_without_a_link_nothing_is_offered(fake: FakeTelegram, bot: MinkaApplication) -> None:
    fake.user(LUCIA, "Lucía")
    await accept_privacy(fake, LUCIA)
    await tap(fake, LUCIA, "Usar «Lucía»")
    ask = await tap(fake, LUCIA, "Docente")
    assert "¿En qué escuela enseñas?" in ask.plain_text and ask.button_labels == ["Lo digo después"]
