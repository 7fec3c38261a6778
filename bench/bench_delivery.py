"""Time the outbox: fan-out of one announcement to 10,000 followers, and the drain rate.

1. Enqueue: 10,000 rows in one transaction (the announcement's), three times (new event keys).
   Target: under 0.5 s.
2. Drain: the real Application (`running()`, as `python -m bot run`) sends N messages to N private
   chats through the fake Telegram limited like Telegram (30 msg/s overall, 1 msg/s per chat) with
   SEND_RATE=25. Target: at least 95 % of SEND_RATE, and no 429 answers.

Run from the repository root: ``.venv/bin/python bench/bench_delivery.py [--drain N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.runner import running  # noqa: E402
from bot.sandbox.fake_telegram import FakeTelegram  # noqa: E402
from storage import Storage  # noqa: E402
from storage.outbox import OutboxItem, enqueue  # noqa: E402
from tests.helpers import make_settings  # noqa: E402

FOLLOWERS = 10_000
TELEGRAM_GLOBAL_LIMIT = 30
SEND_RATE = 25
TEXT = (
    "📣 <b>Fundación Ayni</b> anunció «Campaña de salud visual» en I.E. 2031 Virgen de Fátima, "
    "lunes 30 de noviembre de 2026, 9:00 a. m."
)
KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Ver escuela", "callback_data": "s:9000001:0"}],
        [{"text": "🔕 Dejar de seguir", "callback_data": "f:off:school:1"}],
    ]
}


def followers(count: int, first_id: int = 100_000) -> list[OutboxItem]:
    return [OutboxItem(first_id + n, TEXT, KEYBOARD) for n in range(count)]


async def time_enqueue(database: Path, rounds: int) -> list[float]:
    storage = Storage(database)
    await storage.open()
    timings = []
    try:
        for round_ in range(rounds):
            items = followers(FOLLOWERS)
            started = time.perf_counter()
            async with storage.db.transaction() as session:
                new = await enqueue(session, f"activity:{round_}", items)
            timings.append(time.perf_counter() - started)
            assert new == FOLLOWERS
    finally:
        await storage.close()
    return timings


async def time_drain(database: Path, count: int) -> dict[str, float]:
    async with FakeTelegram() as fake:
        fake.rate_limit(global_per_second=TELEGRAM_GLOBAL_LIMIT, per_chat_per_second=1)
        items = followers(count, first_id=500_000)
        for item in items:
            fake.user(item.chat_id, f"Docente {item.chat_id}")
        settings = make_settings(fake, database, admin_ids=[], send_rate=SEND_RATE)
        async with running(settings) as app:
            await app.bot_data.storage.outbox.enqueue("activity:drain", items)
            started = time.monotonic()
            assert app.bot_data.delivery is not None
            app.bot_data.delivery.wake()
            await fake.wait_until(lambda: fake.sent_count >= count, count / SEND_RATE * 2 + 30)
        times = fake.send_times
        return {
            "sent": fake.sent_count,
            "first_send_s": times[0] - started,
            "total_s": times[-1] - started,
            "steady_rate": (len(times) - 1) / (times[-1] - times[0]),
            "overall_rate": len(times) / (times[-1] - started),
            "too_many_requests": fake.too_many_requests,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drain", type=int, default=2000, help="messages to drain (2000)")
    parser.add_argument("--rounds", type=int, default=3, help="enqueue rounds (3)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    print(f"$ .venv/bin/python bench/bench_delivery.py --drain {args.drain} --rounds {args.rounds}")
    with tempfile.TemporaryDirectory() as directory:
        timings = asyncio.run(time_enqueue(Path(directory) / "enqueue.db", args.rounds))
        drain = asyncio.run(time_drain(Path(directory) / "drain.db", args.drain))
    print(f"enqueue {FOLLOWERS:,} recipients (one transaction, one row each):")
    print(
        "  " + ", ".join(f"{t:.3f} s" for t in timings),
        f"(median {statistics.median(timings):.3f} s)",
    )
    print(
        f"drain {drain['sent']:.0f} messages, SEND_RATE={SEND_RATE}, fake Telegram limited to "
        f"{TELEGRAM_GLOBAL_LIMIT} msg/s overall and 1 msg/s per chat:"
    )
    first_ms, total = drain["first_send_s"] * 1000, drain["total_s"]
    print(f"  first message after {first_ms:.0f} ms; all in {total:.1f} s")
    for name in ("steady_rate", "overall_rate"):
        rate = drain[name]
        print(f"  {name.replace('_', ' ')}: {rate:.2f} msg/s = {rate / SEND_RATE:.1%} of SEND_RATE")
    print(f"  429 answers: {drain['too_many_requests']:.0f}")


if __name__ == "__main__":
    main()
