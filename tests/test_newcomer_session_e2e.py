"""A scripted newcomer session (issue 14's "Done when"): a teacher onboards, says hello, asks to
announce and answers every button question by typing, never by tapping, and is never told
"No entendí" twice in a row. Real HTTP against the fake Telegram with the real Application."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime

from bot.app import MinkaApplication
from bot.sandbox.fake_telegram import FakeTelegram, SentMessage
from tests.helpers import set_clock, storage_of

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)  # Thursday 26 November 2026, 10:00 in Lima
LUCIA = 2301

# (what Lucía types, what the bot's last answer must say); she never taps a button.
SCRIPT: list[tuple[str, str]] = [
    ("/start", "¿Aceptas?"),
    ("acepto", "¿Cómo te llamas?"),
    ("Lucía Huamán", "¿Dónde trabajas?"),
    ("docente", "¿En qué escuela enseñas?"),
    ("9000001", "Escuelas para «9000001»"),
    (
        "I.E. N° 2045 José Carlos Mariátegui (Primaria) — San Martín de Porres",
        "¿Qué quieres hacer?",
    ),
    ("hola", "¿Qué quieres hacer?"),
    ("quiero anunciar", "/anunciar"),
    ("/anunciar", "¿En qué escuela será la actividad?"),
    ("9000001", "9000001"),
    ("I.E. N° 2045 José Carlos Mariátegui (Primaria) — San Martín de Porres", "¿Cómo se llama"),
    ("Campaña de salud visual", "¿De qué tipo es"),
    ("no sé", "¿De qué tipo es"),  # fits no button: the question again, with its buttons
    ("salud", "¿Cuándo empieza?"),
    ("el próximo lunes a las 9", "¿correcto?"),
    ("si", "¿Cuánto dura?"),
    ("un rato", "elige un botón"),  # the step's own answer to a duration it cannot read
    ("tres horas", "descripción"),  # a duration in words, never "hasta las 3"
    ("omitir", "¿La publico?"),
    ("publicar", "Publicado"),
    ("gracias", "¿Qué quieres hacer?"),
]


async def play(fake: FakeTelegram, text: str) -> list[SentMessage]:
    """Type `text`; every message the bot sends until it goes quiet."""
    before = len(fake.messages(LUCIA))
    await fake.send_text(LUCIA, text)
    await fake.next_message(LUCIA)
    await quiet(fake)
    return fake.messages(LUCIA)[before:]


async def quiet(fake: FakeTelegram) -> None:
    """Until the bot made no Bot API call for a quarter of a second (as the sandbox waits)."""
    seen = -1
    while len(fake.calls) != seen:
        seen = len(fake.calls)
        await asyncio.sleep(0.25)


async def test_a_newcomer_types_every_answer(fake: FakeTelegram, bot: MinkaApplication) -> None:
    set_clock(bot, NOW)
    fake.user(LUCIA, "Lucía")
    transcript: list[str] = []
    for typed, expected in SCRIPT:
        replies = await play(fake, typed)
        transcript += [f"> {typed}", *(m.plain_text for m in replies)]
        assert expected in replies[-1].plain_text, "\n".join(transcript)
    member = await storage_of(bot).members.get(LUCIA)
    assert member is not None and member.is_registered and member.school_id is not None
    assert len(await storage_of(bot).activities.upcoming_at_school(member.school_id, NOW)) == 1
    said = [m.plain_text for m in fake.messages(LUCIA)]
    twice = [pair for pair in itertools.pairwise(said) if all("No entendí" in x for x in pair)]
    assert not twice, "\n".join(transcript)
