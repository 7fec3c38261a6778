"""Updates of different people at once, each person's in order."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.runtime.concurrency import PerPersonUpdateProcessor

WHEN = 1_700_000_000


def message_from(update_id: int, user_id: int) -> Update:
    chat = Chat(user_id, Chat.PRIVATE)
    user = User(user_id, f"Persona {user_id}", is_bot=False)
    message = Message(update_id, WHEN, chat, from_user=user, text="hola")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_one_persons_updates_keep_their_order_while_others_run_alongside() -> None:
    processor = PerPersonUpdateProcessor()
    log: list[str] = []

    async def handle(name: str, delay: float) -> None:
        log.append(f"{name} start")
        await asyncio.sleep(delay)
        log.append(f"{name} end")

    rosa_first = processor.process_update(message_from(1, 10), handle("rosa-1", 0.2))
    rosa_second = processor.process_update(message_from(2, 10), handle("rosa-2", 0.0))
    juan = processor.process_update(message_from(3, 20), handle("juan", 0.0))
    tasks = [asyncio.create_task(c) for c in (rosa_first, rosa_second, juan)]
    await asyncio.gather(*tasks)

    # Juan did not wait for Rosa's slow update; Rosa's second waited for her first.
    assert log.index("juan end") < log.index("rosa-1 end")
    assert log.index("rosa-1 end") < log.index("rosa-2 start")
    assert processor._queues == {}  # nothing kept for people who are done


async def test_a_persons_queued_updates_do_not_hold_the_places_of_others() -> None:
    processor = PerPersonUpdateProcessor(max_concurrent_updates=1)
    finished: list[str] = []

    async def handle(name: str) -> None:
        await asyncio.sleep(0.05)
        finished.append(name)

    rosa = [processor.process_update(message_from(n, 10), handle(f"rosa-{n}")) for n in (1, 2, 3)]
    juan = processor.process_update(message_from(4, 20), handle("juan"))
    await asyncio.gather(*(asyncio.create_task(c) for c in (*rosa, juan)))

    # One place: Rosa's first took it; Juan was next in line, not Rosa's queue.
    assert finished == ["rosa-1", "juan", "rosa-2", "rosa-3"]
