"""Words as people read them in the chat (issue 14, "No dead ends"): places named once and
with the right article, counts that agree. Real HTTP against the fake Telegram."""

from __future__ import annotations

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from tests.helpers import register_teacher, say, tap

ROSA = 2401


async def test_a_followed_district_reads_well(fake: FakeTelegram, bot: MinkaApplication) -> None:
    """As found: "te avisaré de las actividades de el distrito Comas" and "Distrito: el
    distrito Comas"."""
    await register_teacher(fake, ROSA)
    await say(fake, ROSA, "/start s_9000001_0")  # the school's card
    followed = await tap(fake, ROSA, "🔔 Seguir distrito San Martín de Porres")
    assert "sigues el distrito de San Martín de Porres" in followed.plain_text
    assert " de el " not in followed.plain_text

    listing = await say(fake, ROSA, "/suscripciones")
    assert "• Distrito: San Martín de Porres" in listing.plain_text
    assert "Distrito: el distrito" not in listing.plain_text
    again = await tap(fake, ROSA, "✖ el distrito de San Martín de Porres")
    assert "Ya no sigues el distrito de San Martín de Porres" in again.plain_text


async def test_one_teacher_is_one_docente(fake: FakeTelegram, bot: MinkaApplication) -> None:
    """As found: "1 docentes registrados" on the card."""
    await register_teacher(fake, ROSA, school_query="mariategui san martin de porres")
    card = await say(fake, ROSA, "/start s_9000001_0")
    assert "1 docente registrado" in card.plain_text and "1 docentes" not in card.plain_text


async def test_the_daily_mode_reads_as_english(fake: FakeTelegram, bot: MinkaApplication) -> None:
    """As found: "Done: daily summary at 7:00 mode."."""
    await register_teacher(fake, ROSA)
    await say(fake, ROSA, "/language")
    await fake.press(ROSA, "English")
    await fake.next_event(ROSA)
    await say(fake, ROSA, "/start s_9000001_0")
    await tap(fake, ROSA, "🔔 Follow")
    await say(fake, ROSA, "/subscriptions")
    done = await tap(fake, ROSA, "⏰ Switch to a daily summary")
    assert "Done: mode set to daily summary at 7:00." in done.plain_text
    assert "7:00 mode" not in done.plain_text


async def test_a_district_named_in_full_lists_its_schools_first(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: "san martin de porres" listed Ate, Juliaca and SJL before the district."""
    await register_teacher(fake, ROSA)
    results = await say(fake, ROSA, "san martin de porres")
    assert results.button_labels[0].endswith("— San Martín de Porres")
    assert results.button_labels[1].endswith("— San Martín de Porres")
