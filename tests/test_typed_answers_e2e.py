"""Typing the answer to a button question, and the question asked again (issue 14, "No dead
ends"), through real HTTP against the fake Telegram with the real Application."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app import MinkaApplication
from bot.runner import running
from bot.sandbox.fake_telegram import FakeTelegram
from bot.settings import Settings
from tests.helpers import begin_announcement, register_ngo, say, set_clock, storage_of, tap

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday, 10:00 in Lima
ANA, ROSA = 2101, 2102


@pytest.fixture
def app(bot: MinkaApplication) -> MinkaApplication:
    """The running bot with the test's clock."""
    set_clock(bot, NOW)
    return bot


async def test_a_typed_category_is_taken_as_its_button(
    fake: FakeTelegram, app: MinkaApplication
) -> None:
    """As found: "educación" at the category step got "No entendí eso" and no buttons."""
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await begin_announcement(fake, ANA)
    category = await say(fake, ANA, "Taller de lectura")
    assert "Lectura y educación" in category.button_labels

    when = await say(fake, ANA, "educación")

    assert "¿Cuándo empieza?" in when.plain_text
    confirm = await say(fake, ANA, "el próximo lunes a las 9")
    duration = await say(fake, ANA, "si")  # "Sí", typed without the accent
    assert "¿Cuánto dura?" in duration.plain_text
    description = await say(fake, ANA, "2 h")  # the button; a bare "2" is "until 2 p.m."
    assert "descripción" in description.plain_text
    preview = await say(fake, ANA, "omitir")
    assert "Lectura y educación" in preview.plain_text and "11:00" in preview.plain_text
    published = await say(fake, ANA, "PUBLICAR")
    assert "Publicado" in published.plain_text
    assert confirm.button_labels == ["Sí", "Cambiar"]
    # The typed press edits the question as a tap would: its buttons are gone.
    [question] = [m for m in fake.messages(ANA) if m.message_id == category.message_id]
    assert question.buttons == []
    assert not [m for m in fake.messages(ANA) if "No entendí" in m.plain_text]


async def test_an_answer_that_fits_no_button_gets_the_question_again(
    fake: FakeTelegram, app: MinkaApplication
) -> None:
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await begin_announcement(fake, ANA)
    category = await say(fake, ANA, "Taller de lectura")

    again = await say(fake, ANA, "no sé")

    assert "No encontré «no sé» entre las opciones" in again.plain_text
    assert "¿De qué tipo es «Taller de lectura»?" in again.plain_text
    assert again.button_labels == category.button_labels
    when = await tap(fake, ANA, "Arte")  # a button of the repeated question
    assert "¿Cuándo empieza?" in when.plain_text


async def test_two_wrong_answers_in_a_row_ask_the_question_once_each(
    fake: FakeTelegram, app: MinkaApplication
) -> None:
    """As found in the sandbox: the second wrong answer repeated the first one's "No encontré"
    above the question, and each further one added another."""
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await begin_announcement(fake, ANA)
    category = await say(fake, ANA, "Taller de lectura")

    await say(fake, ANA, "no sé")
    again = await say(fake, ANA, "tampoco")

    assert again.plain_text.count("No encontré") == 1, again.plain_text
    assert "«tampoco»" in again.plain_text and "«no sé»" not in again.plain_text
    assert again.plain_text.count("¿De qué tipo es «Taller de lectura»?") == 1
    assert again.button_labels == category.button_labels
    when = await tap(fake, ANA, "Arte")  # a button of the question asked the second time
    assert "¿Cuándo empieza?" in when.plain_text


async def test_after_a_restart_the_pending_question_is_shown_again(
    fake: FakeTelegram, settings: Settings
) -> None:
    """As found: after a restart, "Responde a la pregunta de arriba" over an empty screen."""
    fake.user(ROSA, "Rosa")
    async with running(settings):
        await say(fake, ROSA, "/start")
        await tap(fake, ROSA, "Acepto")
        role = await tap(fake, ROSA, "Usar «Rosa»")
    async with running(settings) as app:
        again = await say(fake, ROSA, "¿qué pasó?")
        assert "¿Dónde trabajas?" in again.plain_text
        assert again.button_labels == role.button_labels
        school = await say(fake, ROSA, "docente")  # typed, after the restart
        assert "¿En qué escuela enseñas?" in school.plain_text
        member = await storage_of(app).members.get(ROSA)
        assert member is not None and member.role is not None


async def test_a_sticker_gets_the_question_again(fake: FakeTelegram, app: MinkaApplication) -> None:
    fake.user(ROSA, "Rosa")
    notice = await say(fake, ROSA, "/start")
    await fake.share_location(ROSA, -11.98, -77.07)  # not an answer to the privacy notice
    again = await fake.next_message(ROSA)
    assert "Eso no responde a la pregunta" in again.plain_text
    assert again.button_labels == notice.button_labels
