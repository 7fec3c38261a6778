"""Relayed messages (issue 14, "No dead ends"): "✉️ Escribir a <organización>" under a clash
warning and on /quien, an answer back, a block, the 24-hour limit and /misdatos. Real HTTP
against the fake Telegram with the real Application and the real outbox worker."""

from __future__ import annotations

import json

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from tests.helpers import NOW, announce_guided, register_ngo, say, set_clock, storage_of, tap

ANA, BETO, CARLA = 2601, 2602, 2603
BETO_ACTIVITY = "/anunciar 9000111 | Taller de lectura | lunes de 10 a 12 | 2 h"


async def clash(fake: FakeTelegram, bot: MinkaApplication) -> SentMessage:
    """Beto announces, then Ana at the same time and building: Beto gets the clash warning."""
    set_clock(bot, NOW)
    await register_ngo(fake, BETO, "Beto", "Fundación Wiñay")
    await say(fake, BETO, BETO_ACTIVITY)
    await tap(fake, BETO, "Publicar")
    await register_ngo(fake, ANA, "Ana", "Fundación Ayni")
    await announce_guided(fake, ANA, "el próximo lunes a las 9", "3 h")
    fake.mark(BETO)
    await tap(fake, ANA, "Publicar")
    return await fake.next_message(BETO)


async def test_the_clash_warning_lets_them_write_both_ways(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    """As found: "Quizá quieran coordinar" and no way to."""
    warning = await clash(fake, bot)
    assert warning.button_labels == ["✉️ Escribir a Fundación Ayni"]

    ask = await tap(fake, BETO, "✉️ Escribir a Fundación Ayni")
    assert "Escribe tu mensaje para Ana (Fundación Ayni)" in ask.plain_text
    fake.mark(ANA)
    sent = await say(fake, BETO, "¿Podemos mover su campaña a la tarde? Usamos el patio.")
    assert "Enviado a Ana (Fundación Ayni)" in sent.plain_text
    received = await fake.next_message(ANA)
    assert "Mensaje de Beto (Fundación Wiñay) sobre «Campaña de salud visual»" in (
        received.plain_text
    )
    assert "Usamos el patio" in received.plain_text
    assert received.button_labels == ["↩️ Responder", "🚫 No recibir más de Beto (Fundación Wiñay)"]
    assert "@" not in received.plain_text and str(BETO) not in received.plain_text

    await tap(fake, ANA, "↩️ Responder")
    fake.mark(BETO)
    await say(fake, ANA, "Sí, pasamos a las 3 pm.")
    answer = await fake.next_message(BETO)
    assert "Respuesta de Ana (Fundación Ayni)" in answer.plain_text
    assert "pasamos a las 3 pm" in answer.plain_text

    exported = await storage_of(bot).personal_data.export(BETO)
    assert exported is not None
    assert [m["text"] for m in exported["messages_relayed_sent"]] == [
        "¿Podemos mover su campaña a la tarde? Usamos el patio."
    ]
    assert [m["text"] for m in exported["messages_relayed_received"]] == ["Sí, pasamos a las 3 pm."]
    mydata = await say(fake, BETO, "/misdatos")
    assert mydata.kind == "document"
    assert "messages_relayed_sent" in json.loads(mydata.file_bytes or b"{}")


async def test_a_block_stops_the_sender_without_telling_them(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await clash(fake, bot)
    await tap(fake, BETO, "✉️ Escribir a Fundación Ayni")
    fake.mark(ANA)
    await say(fake, BETO, "Hola Ana")
    await fake.next_message(ANA)
    blocked = await tap(fake, ANA, "🚫 No recibir más de Beto (Fundación Wiñay)")
    assert "no recibirás más mensajes de Beto (Fundación Wiñay)" in blocked.plain_text

    warning = [m for m in fake.messages(BETO) if "✉️ Escribir a Fundación Ayni" in m.button_labels]
    await fake.press(BETO, "✉️ Escribir a Fundación Ayni", message=warning[0])
    await fake.next_message(BETO)
    refused = await say(fake, BETO, "¿Me lees?")
    assert "No pude entregar tu mensaje a Ana (Fundación Ayni)" in refused.plain_text
    assert "bloque" not in refused.plain_text.lower()
    await fake.wait_until(lambda: not bot.bot_data.delivery or not bot.bot_data.delivery.busy)
    assert not [m for m in fake.messages(ANA) if "¿Me lees?" in m.plain_text]


async def test_the_rate_limit_and_a_tampered_answer(
    fake: FakeTelegram, bot: MinkaApplication
) -> None:
    await clash(fake, bot)
    limit = bot.bot_data.settings.max_relays_per_day
    for number in range(limit):
        await tap(fake, BETO, "✉️ Escribir a Fundación Ayni")
        await say(fake, BETO, f"Mensaje {number}")
    await tap(fake, BETO, "✉️ Escribir a Fundación Ayni")
    refused = await say(fake, BETO, "Uno más")
    assert f"Ya enviaste {limit} mensajes en las últimas 24 horas" in refused.plain_text

    # Carla presses an "Answer" button of a message that was not sent to her.
    await register_ngo(fake, CARLA, "Carla", "Cuna Más")
    first = (await storage_of(bot).personal_data.export(BETO) or {})["messages_relayed_sent"][0]
    await fake.press_button(CARLA, 1, f"ra:{first['id']}")
    await fake.wait_until(lambda: fake.callback_answers[-1].get("text") is not None)
    assert fake.callback_answers[-1]["text"] == "Ese botón ya no está activo."


async def test_who_works_here_offers_to_write(fake: FakeTelegram, bot: MinkaApplication) -> None:
    await clash(fake, bot)
    await register_ngo(fake, CARLA, "Carla", "Cuna Más")
    who = await say(fake, CARLA, "/quien 9000001")
    assert "✉️ Escribir a Fundación Ayni" in who.button_labels
    ask = await tap(fake, CARLA, "✉️ Escribir a Fundación Ayni")
    assert "Ana (Fundación Ayni)" in ask.plain_text
    too_long = await say(fake, CARLA, "x" * 501)
    assert "entre 1 y 500 caracteres; el tuyo tiene 501 caracteres" in too_long.plain_text
    fake.mark(ANA)
    await say(fake, CARLA, "<b>¿Coordinamos?</b> & más")  # markup is shown, never applied
    received = await fake.next_message(ANA)
    assert "Mensaje de Carla (Cuna Más)" in received.plain_text
    assert "<b>¿Coordinamos?</b> & más" in received.plain_text
