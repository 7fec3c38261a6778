"""Time follower fan-out: how long it holds the database's write lock, and what it costs.

A change to an activity records its event in its own write; the followers are then read and
their messages composed outside any write, and a second, short write enqueues them. For a
school with 10,000 followers (9,000 instant, 1,000 daily; one in ten reads English; most follow
the school, some its district) this times:

1. the change's write (`Activities.create` with a `Notice`);
2. composing (reading the followers, one text and keyboard per language and follow): no lock;
3. the second write (`ActivityEvents.finish`: 9,000 outbox rows, 1,000 digest lines).
   Target for the longest write: under 0.5 s (the outbox's own enqueue target).
4. For comparison, the whole fan-out as it was before: the followers read and a text and
   keyboard composed per follower, all inside one write.

Run from the repository root: ``.venv/bin/python -m bench.bench_fanout [--rounds N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.registry_import import load_sample_schools
from bot.outbox.compose import notification_buttons, notification_text
from bot.outbox.notifications import compose_for_followers
from bot.settings import Settings
from storage import Storage
from storage.activities import Activity, Category, NewActivity
from storage.activity_events import Change, Notice
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
    timings: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, seconds in (await one_fan_out(storage, settings, new)).items():
            timings.setdefault(name, []).append(seconds)
    return timings


async def one_fan_out(storage: Storage, settings: Settings, new: NewActivity) -> dict[str, float]:
    notice = Notice(Change.CREATED, AUTHOR, NOW)
    started = time.perf_counter()
    activity = await storage.activities.create(new, notice=notice)
    written = time.perf_counter()
    (event,) = await storage.activity_events.pending()
    items, lines = await compose_for_followers(storage, settings, event, activity)
    composed = time.perf_counter()
    assert await storage.activity_events.finish(event, items, lines)
    finished = time.perf_counter()
    async with storage.db.transaction() as session:
        await fan_out_as_before(session, activity, settings)
    return {
        "write 1, the change": written - started,
        "composing, no lock": composed - written,
        "write 2, enqueue": finished - composed,
        "one write composing per follower (before)": time.perf_counter() - finished,
    }


async def fan_out_as_before(session: Session, activity: Activity, settings: Settings) -> None:
    """The fan-out as it was before: followers read and a text and a keyboard composed for
    every follower, inside the write (under its own event key, so it enqueues as many rows)."""
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
    key = f"before:{activity.id}"
    await enqueue(session, key, instant)
    await add_lines(session, key, daily, NOW)


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
