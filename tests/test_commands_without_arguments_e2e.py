"""Commands without an argument start instead of stopping (issue 14, "No dead ends"): /quien is
the teacher's own school; /qr and /suscribir ask which school with her school as a button;
the help texts' example is a código modular of the registry loaded. Real HTTP against the
fake Telegram with the real Application."""

from __future__ import annotations

import re

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram
from tests.helpers import register_teacher, say, storage_of, tap

ROSA = 2901
MARIATEGUI = "I.E. N° 2045 José Carlos Mariátegui"


async def test_quien_alone_is_her_own_school(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await register_teacher(fake, ROSA, school_query="mariategui san martin de porres")
    who = await say(fake, ROSA, "/quien")
    assert f"¿Quién trabaja en {MARIATEGUI}?" in who.plain_text


async def test_qr_and_suscribir_alone_ask_which_school(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await register_teacher(fake, ROSA, school_query="mariategui san martin de porres")
    asked = await say(fake, ROSA, "/qr")
    assert "¿De qué escuela? Toca una de estas" in asked.plain_text
    assert asked.button_labels[0].startswith(MARIATEGUI)
    await tap(fake, ROSA, asked.button_labels[0])
    assert fake.messages(ROSA)[-1].kind == "photo"

    asked = await say(fake, ROSA, "/suscribir")
    followed = await tap(fake, ROSA, asked.button_labels[0])
    assert f"sigues {MARIATEGUI}" in followed.plain_text


async def test_without_a_school_the_example_is_a_real_code(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: the help texts used 0325753, which the sandbox's registry does not have."""
    await register_teacher(fake, ROSA)  # no school yet
    for command in ("/quien", "/qr", "/suscribir"):
        usage = await say(fake, ROSA, command)
        example = re.search(r"«/\w+ (\d{7})»", usage.plain_text)
        assert example is not None, usage.plain_text
        assert await storage_of(bot).schools.get(example[1]) is not None
    usage = await say(fake, ROSA, "/anunciar 9000001 | solo título")
    example = re.search(r"/anunciar (\d{7}) \|", usage.plain_text)
    assert example is not None and await storage_of(bot).schools.get(example[1]) is not None
