"""Storage at Peru scale: search, card and /quien reads with 180,000 registry rows, 100,000
activities and 50,000 people, and the size of that database.

    .venv/bin/python -m bench.bench_storage --database /tmp/peru.sqlite   # built beforehand
    .venv/bin/python -m bench.bench_storage                             # builds one (~35 s)

The database comes from `bench.generate_population` (the synthetic ESCALE registry imported as
an operator would, then generated people, organizations, activities, chats and follows). Each
figure times the code the handlers run, from the storage calls to the rendered text, without
Telegram:

- search: `search_schools` for realistic queries (typos, no accents, number forms, places);
- card: the school by id, `load_school_life`, `load_follow_state`, `school_card` and its
  keyboard (what opening a search result does);
- /quien: the school by its código modular (`search_schools`), `load_school_life`, `who_text`.

Card and /quien run for random active schools and, separately, for the 100 busiest ones (most
activities and teachers), the worst case. Target: p95 under 10 ms each. Prints numbers; not a
test.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.bench_schools import realistic_query
from bench.generate_population import NOW, REGISTRY_SEED, build_full_scale_database
from bench.generate_registry import generate_rows
from bot.domain.school_life import load_follow_state, load_school_life
from bot.domain.school_search import search_schools
from bot.views.deeplinks import school_link
from bot.views.school_views import card_keyboard, school_card, who_text
from storage import Storage
from storage.bulk import active_schools, busiest_schools, table_counts

LIMA = ZoneInfo("America/Lima")
PAGE_SIZE = 8  # results per page in the chat (handlers.schools)
VIEWER_CHAT = 1_000_001  # a member's private chat: its follows are looked up for the card
BUSIEST = 100


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="a database built by generate_population")
    parser.add_argument("--rows", type=int, default=180_000, help="registry rows it was built with")
    parser.add_argument("--samples", type=int, default=1000, help="schools/queries per figure")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--now", type=datetime.fromisoformat, default=NOW, help="when the database was built for"
    )
    args = parser.parse_args(argv)
    asyncio.run(run(args.database, args.rows, args.samples, args.seed, args.now))


async def run(database: Path | None, rows: int, samples: int, seed: int, now: datetime) -> None:
    with tempfile.TemporaryDirectory(prefix="minka-storage-") as folder:
        if database is None:
            database = Path(folder) / "peru.sqlite"
            report = await build_full_scale_database(database, rows=rows, now=now, verbose=False)
            print(f"built {database.name} in {sum(report.seconds.values()):.1f} s")
        storage = Storage(database)
        await storage.open()
        try:
            await measure(storage, database, rows, samples, random.Random(seed), now)
        finally:
            await storage.close()


async def measure(
    storage: Storage, database: Path, rows: int, samples: int, rng: random.Random, now: datetime
) -> None:
    counts = await table_counts(storage.db)
    print("database:", ", ".join(f"{table} {count:,}" for table, count in counts.items()))
    size = (await asyncio.to_thread(database.stat)).st_size
    print(f"database file: {size / 1e6:.0f} MB")
    registry = [row for row in generate_rows(rows, seed=REGISTRY_SEED) if row["ESTADO"] == "1"]
    queries = [realistic_query(row, rng).text for row in rng.sample(registry, samples)]
    await report("search", [partial(search, storage, q) for q in queries])
    schools = [school.id for school in await active_schools(storage.db)]
    for label, ids in (
        (f"{samples} random schools", rng.sample(schools, samples)),
        (f"the {BUSIEST} busiest schools", await busiest_schools(storage.db, BUSIEST)),
    ):
        await report(f"card, {label}", [partial(card, storage, i, now) for i in ids])
        await report(f"/quien, {label}", [partial(who, storage, i, now) for i in ids])


async def search(storage: Storage, query: str) -> None:
    await search_schools(storage, query, limit=PAGE_SIZE)


async def card(storage: Storage, school_id: int, now: datetime) -> None:
    school = await storage.schools.get_by_id(school_id)
    assert school is not None
    life = await load_school_life(storage, school.id, now)
    follows = await load_follow_state(storage, VIEWER_CHAT, school)
    school_card(school, life, "es", LIMA)
    card_keyboard(school, "es", follows, True)


async def who(storage: Storage, school_id: int, now: datetime) -> None:
    school = await storage.schools.get_by_id(school_id)
    assert school is not None
    found = await search_schools(storage, f"{school.cod_mod}-{school.anexo}", limit=PAGE_SIZE)
    assert found.schools and found.schools[0].id == school_id, school.cod_mod
    life = await load_school_life(storage, school_id, now)
    who_text(school, life, school_link("minka_bot", school.cod_mod, school.anexo), "es", LIMA)


async def report(name: str, calls: list[Callable[[], Awaitable[None]]]) -> None:
    """Time each call (after a warm-up of the first 50) and print the percentiles."""
    for call in calls[:50]:
        await call()
    timings: list[float] = []
    for call in calls:
        started = time.perf_counter()
        await call()
        timings.append((time.perf_counter() - started) * 1000)
    cuts = statistics.quantiles(timings, n=100)
    print(
        f"{name + ':':<42} n={len(timings):<5} p50 {cuts[49]:5.2f} ms  p95 {cuts[94]:5.2f} ms"
        f"  max {max(timings):6.2f} ms"
    )


if __name__ == "__main__":
    main()
