"""Time follower fan-out inside the activity's write transaction.

Notifications are enqueued in the same transaction that writes the activity (so an activity is
never stored without them), which holds the database's write lock while they are composed and
written. This measures how long, for a school with 10,000 followers (9,000 instant, 1,000
daily; one in ten reads English; most follow the school, some its district):

1. `Activities.create` with `tell_followers` as its hook, against the same create without it
   (the difference is the fan-out). Target: the whole write under 0.5 s.
2. For comparison, the same fan-out composing a text and a keyboard for every follower, as it
   did before composing moved to bot/outbox/compose.py.

Run from the repository root: ``.venv/bin/python -m bench.bench_fanout [--rounds N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.registry_import import load_sample_schools
from bot.outbox.compose import Change, notification_buttons, notification_text
from bot.outbox.notifications import event_key, tell_followers
from bot.settings import Settings
from storage import Storage
from storage.activities import Activity, AfterWrite, Category, NewActivity
from storage.bulk import BulkChat, BulkData, BulkFollow, BulkMember, load
from storage.chats import ChatType
from storage.db import Session
from storage.digests import add_lines
from storage.follows import FollowKind, FollowMode, exclude, recipients_in
from storage.models import Role
from storage.outbox import OutboxItem, enqueue

FOLLOWERS = 10_000
FIRST_CHAT = 700_000
AUTHOR = FIRST_CHAT - 1  # announces; follows nothing
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def population(school_id: int, ubigeo: str) -> BulkData:
    members = [BulkMember(AUTHOR, "es", "Ana", Role.NGO, None, None, None, NOW, NOW)]
    chats: list[BulkChat] = []
    follows: list[BulkFollow] = []
    for n in range(FOLLOWERS):
        chat_id = FIRST_CHAT + n
        language = "en" if n % 10 == 0 else "es"
        members.append(
            BulkMember(chat_id, language, f"Docente {n}", Role.TEACHER, None, None, None, NOW, NOW)
        )
        chats.append(BulkChat(chat_id, ChatType.PRIVATE, None, None, NOW))
        kind, target = (
            (FollowKind.DISTRICT, ubigeo) if n % 5 == 0 else (FollowKind.SCHOOL, str(school_id))
        )
        mode = FollowMode.DAILY if n % 10 == 1 else FollowMode.INSTANT
        follows.append(BulkFollow(chat_id, kind, target, mode, NOW))
    return BulkData(members=members, chats=chats, follows=follows)


async def timed(action: Callable[[], Awaitable[object]], rounds: int) -> list[float]:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        await action()
        timings.append(time.perf_counter() - started)
    return timings


async def measure(database: Path, rounds: int) -> dict[str, list[float]]:
    storage = Storage(database)
    await storage.open()
    try:
        await load_sample_schools(storage)
        school = await storage.schools.get("9000001", "0")
        assert school is not None and school.ubigeo is not None
        await load(storage.db, population(school.id, school.ubigeo))
        settings = Settings(_env_file=None)  # type: ignore[call-arg]
        return await measure_writes(storage, school.id, settings, rounds)
    finally:
        await storage.close()


async def measure_writes(
    storage: Storage, school_id: int, settings: Settings, rounds: int
) -> dict[str, list[float]]:
    start = NOW + timedelta(days=3)
    new = NewActivity(school_id, None, AUTHOR, "Campaña de salud visual", None, Category.SALUD,
                      start, start + timedelta(hours=2))  # fmt: skip

    async def with_fan_out() -> Activity:
        hook = tell_followers(settings, Change.CREATED, actor_id=AUTHOR, now=NOW)
        return await storage.activities.create(new, then=hook)

    async def composed_per_follower() -> Activity:
        return await storage.activities.create(new, then=per_follower_hook(settings))

    return {
        "create alone": await timed(lambda: storage.activities.create(new), rounds),
        "create + fan-out": await timed(with_fan_out, rounds),
        "create + fan-out composed per follower (before)": await timed(
            composed_per_follower, rounds
        ),
    }


def per_follower_hook(settings: Settings) -> AfterWrite:
    """The fan-out as it was before: a text and a keyboard composed for every follower."""

    async def fan_out(session: Session, activity: Activity) -> None:
        found = exclude(await recipients_in(session, activity.school_id, None), AUTHOR)
        instant, daily = [], []
        for recipient in found:
            lang = recipient.language or settings.default_language
            text = str(notification_text(activity, Change.CREATED, lang, settings.tz))
            if recipient.mode is FollowMode.DAILY:
                daily.append((recipient.chat_id, text))
            else:
                markup = notification_buttons(activity, recipient, lang).to_dict()
                instant.append(OutboxItem(recipient.chat_id, text, markup))
        key = event_key(activity, Change.CREATED)
        await enqueue(session, key, instant)
        await add_lines(session, key, daily, NOW)

    return fan_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="writes of each kind (5)")
    args = parser.parse_args()
    print(f"$ .venv/bin/python -m bench.bench_fanout --rounds {args.rounds}")
    with tempfile.TemporaryDirectory() as directory:
        timings = asyncio.run(measure(Path(directory) / "fanout.db", args.rounds))
    print(f"one activity, {FOLLOWERS:,} followers (9,000 instant, 1,000 daily):")
    for name, values in timings.items():
        shown = ", ".join(f"{1000 * t:.0f}" for t in values)
        print(f"  {name}: median {1000 * statistics.median(values):.0f} ms ({shown} ms)")


if __name__ == "__main__":
    main()
