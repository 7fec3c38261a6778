"""Relayed messages in SQLite: both ways, blocks, the rate limit, /misdatos and /olvidarme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import Storage
from storage.outbox import OutboxItem
from storage.relays import (
    MAX_RELAY_CHARS,
    InvalidRelayText,
    NotYourRelay,
    RelayBlocked,
    RelayLimitReached,
    RelayMessage,
)

ANA, BETO, CARLA = 501, 502, 503
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
PER_DAY = 3


def render(message: RelayMessage) -> OutboxItem:
    return OutboxItem(message.recipient_id, f"relay {message.id}: {message.text}")


async def outbox_texts(storage: Storage, chat_id: int) -> list[str]:
    async with storage.db.read() as session:
        rows = await session.fetchall(
            "SELECT text FROM outbox WHERE chat_id = ? AND event_key LIKE 'relay:%' ORDER BY id",
            (chat_id,),
        )
    return [row["text"] for row in rows]


async def test_a_message_goes_and_its_answer_comes_back(storage: Storage) -> None:
    first = await storage.relays.send(ANA, BETO, "  ¿Coordinamos  el lunes?", render,
                                      per_day=PER_DAY, now=NOW)  # fmt: skip
    answer = await storage.relays.answer(BETO, first.id, "Sí, a las 9", render,
                                         per_day=PER_DAY, now=NOW)  # fmt: skip

    assert (first.sender_id, first.recipient_id, first.text) == (
        ANA,
        BETO,
        "¿Coordinamos el lunes?",
    )
    assert (answer.sender_id, answer.recipient_id, answer.reply_to) == (BETO, ANA, first.id)
    assert await outbox_texts(storage, BETO) == [f"relay {first.id}: ¿Coordinamos el lunes?"]
    assert await outbox_texts(storage, ANA) == [f"relay {answer.id}: Sí, a las 9"]
    assert await storage.relays.get(first.id) == first


async def test_only_the_receiver_may_answer_or_block(storage: Storage) -> None:
    first = await storage.relays.send(ANA, BETO, "Hola", render, per_day=PER_DAY, now=NOW)
    for stranger in (ANA, CARLA):
        with pytest.raises(NotYourRelay):
            await storage.relays.answer(stranger, first.id, "x", render, per_day=PER_DAY)
        with pytest.raises(NotYourRelay):
            await storage.relays.block_sender_of(stranger, first.id)
    with pytest.raises(NotYourRelay):
        await storage.relays.answer(BETO, 99999, "x", render, per_day=PER_DAY)
    with pytest.raises(NotYourRelay):
        await storage.relays.send(ANA, ANA, "a mí", render, per_day=PER_DAY)


async def test_a_block_refuses_and_writes_nothing(storage: Storage) -> None:
    first = await storage.relays.send(ANA, BETO, "Hola", render, per_day=PER_DAY, now=NOW)
    blocked = await storage.relays.block_sender_of(BETO, first.id)
    await storage.relays.block_sender_of(BETO, first.id)  # pressed twice: still one block

    assert blocked == first
    with pytest.raises(RelayBlocked):
        await storage.relays.send(ANA, BETO, "¿Me lees?", render, per_day=PER_DAY, now=NOW)
    assert await outbox_texts(storage, BETO) == [f"relay {first.id}: Hola"]
    # Blocking is one way: Beto may still write to Ana, and unblocking lets Ana write again.
    await storage.relays.send(BETO, ANA, "Ahora no, gracias", render, per_day=PER_DAY, now=NOW)
    assert await storage.relays.unblock(BETO, ANA)
    await storage.relays.send(ANA, BETO, "De nuevo", render, per_day=PER_DAY, now=NOW)


async def test_the_rate_limit_counts_24_hours_of_a_sender(storage: Storage) -> None:
    for minute in range(PER_DAY):
        await storage.relays.send(ANA, BETO + minute, "Hola", render, per_day=PER_DAY,
                                  now=NOW + timedelta(minutes=minute))  # fmt: skip
    with pytest.raises(RelayLimitReached) as refused:
        await storage.relays.send(ANA, CARLA, "Una más", render, per_day=PER_DAY,
                                  now=NOW + timedelta(hours=23))  # fmt: skip
    assert refused.value.sent == PER_DAY
    assert await storage.relays.sent_since(ANA, NOW - timedelta(hours=1)) == PER_DAY
    # A day after the first, one more fits.
    await storage.relays.send(ANA, CARLA, "Una más", render, per_day=PER_DAY,
                              now=NOW + timedelta(hours=24, seconds=1))  # fmt: skip


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "x" * (MAX_RELAY_CHARS + 1)])
async def test_empty_or_overlong_text_is_refused(storage: Storage, text: str) -> None:
    with pytest.raises(InvalidRelayText):
        await storage.relays.send(ANA, BETO, text, render, per_day=PER_DAY)
    assert await outbox_texts(storage, BETO) == []


async def test_misdatos_lists_relays_and_olvidarme_erases_them(storage: Storage) -> None:
    first = await storage.relays.send(ANA, BETO, "Hola", render, per_day=PER_DAY, now=NOW)
    await storage.relays.answer(BETO, first.id, "Hola, Ana", render, per_day=PER_DAY, now=NOW)
    await storage.relays.send(CARLA, ANA, "Spam", render, per_day=PER_DAY, now=NOW)
    spam = (await storage.personal_data.export(ANA) or {})["messages_relayed_received"][-1]
    await storage.relays.block_sender_of(ANA, spam["id"])

    exported = await storage.personal_data.export(ANA)
    assert exported is not None
    assert [m["text"] for m in exported["messages_relayed_sent"]] == ["Hola"]
    assert [m["text"] for m in exported["messages_relayed_received"]] == ["Hola, Ana", "Spam"]
    assert [b["blocked_id"] for b in exported["relays_blocked"]] == [CARLA]

    await storage.personal_data.forget(ANA)
    assert await storage.personal_data.export(ANA) is None
    # Everything Beto had was his exchange with Ana: none of it is left.
    assert await storage.personal_data.export(BETO) is None
