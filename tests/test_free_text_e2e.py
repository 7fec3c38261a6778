"""Free text after registration (issue 14, "No dead ends"): greetings get the menu, a named
action is offered, only a school is searched, and a search that finds nothing offers the menu.
Real HTTP against the fake Telegram with the real Application."""

from __future__ import annotations

import pytest

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from tests.helpers import register_teacher, say

ROSA, NEWCOMER = 2201, 2202


@pytest.mark.parametrize("text", ["hola", "gracias", "ok", "menu", "buenas tardes", "Hola!! 👋"])
async def test_greetings_and_thanks_get_the_menu(
    fake: FakeTelegram, bot: MinkaApplication, text: str
) -> None:
    """As found: each of these answered "No encontré escuelas para «hola»"."""
    await register_teacher(fake, ROSA)
    reply = await say(fake, ROSA, text)
    assert "¿Qué quieres hacer?" in reply.plain_text and "/anunciar" in reply.plain_text
    assert "No encontré" not in reply.plain_text


@pytest.mark.parametrize(
    ("text", "offered"),
    [
        ("quiero anunciar una actividad", "/anunciar"),
        ("¿Cómo puedo seguir una escuela?", "/suscribir"),
        ("quien trabaja aqui", "/quien"),
        ("quiero buscar", "Escribe el nombre de la escuela"),
    ],
)
async def test_a_sentence_naming_an_action_offers_it(
    fake: FakeTelegram, bot: MinkaApplication, text: str, offered: str
) -> None:
    await register_teacher(fake, ROSA)
    reply = await say(fake, ROSA, text)
    assert offered in reply.plain_text and "No encontré" not in reply.plain_text


async def test_an_action_with_a_school_goes_straight_to_it(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    who = await say(fake, ROSA, "¿quién trabaja en 9000001?")
    assert "¿Quién trabaja en I.E. N° 2045 José Carlos Mariátegui?" in who.plain_text
    results = await say(fake, ROSA, "buscar colegio mariategui san martin de porres")
    assert results.button_labels[0].startswith("I.E. N° 2045 José Carlos Mariátegui")


async def test_what_looks_like_a_school_is_still_searched(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA)
    results = await say(fake, ROSA, "santa rosa puno")
    assert results.button_labels and "Escuelas para «santa rosa puno»" in results.plain_text
    none = await say(fake, ROSA, "zzqx wwkk")
    assert "No encontré escuelas para «zzqx wwkk»" in none.plain_text
    assert "/start te muestra el menú" in none.plain_text


async def test_colegio_alone_asks_which_school(fake: FakeTelegram, bot: MinkaApplication) -> None:
    """As found: "colegio" alone answered that no school exists."""
    await register_teacher(fake, ROSA)
    reply = await say(fake, ROSA, "colegio")
    assert "no cuál" in reply.plain_text and "No encontré" not in reply.plain_text


async def test_a_newcomer_is_shown_the_way_in(fake: FakeTelegram, bot: MinkaApplication) -> None:
    fake.user(NEWCOMER, "Lucía")
    assert "/start" in (await say(fake, NEWCOMER, "hola")).plain_text
    assert "/start" in (await say(fake, NEWCOMER, "quiero anunciar")).plain_text
    results = await say(fake, NEWCOMER, "9000001")  # a school search works before registering
    assert results.button_labels[0].startswith("I.E. N° 2045")
