"""The coordinator's web overview at Peru scale: p95 time and page weight of the overview
(school list and map), the 3W matrix, gaps and overlaps, served over real HTTP by the bot's web
server, for the biggest scopes of the Peru-scale database.

    .venv/bin/python -m bench.bench_panel --database /tmp/peru.sqlite   # built beforehand
    .venv/bin/python -m bench.bench_panel                             # builds one (~35 s)

Scopes, each over the 30 days before and after the data's `now` (the overview's default
period): the district with the most schools, as generated; and the issue's UGEL at Peru scale:
the province with the most schools (about 3,000, more than a UGEL's 2,000), topped up with
generated activities (seeded, spread over its schools and 60 organizations) to 20,000 in the
period alone, a far busier UGEL than any today. Time is measured by the client on 127.0.0.1
from request
to last byte (the server's time plus loopback); weight is the HTML as sent with gzip, and raw,
before Leaflet's files (leaflet.js + leaflet.css, also gzipped, counted once) and tiles.
Each page is measured twice: read afresh (an untimed change before every request, so that
nothing kept is used: what the first look after an announcement costs) and kept (the same
request again, answered from what storage.overview keeps under its data version). The target
is read on the first: p95 under 150 ms for a UGEL of 2,000 schools and 20,000 activities, and
under 200 KB per page before tiles (issue 17). The given database is copied first (the top-up
goes into the copy). Prints numbers; not a test. Needs a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bench.bench_exports import build
from bench.generate_population import NOW
from bot.web.app import WebApp
from bot.web.panel import COOKIE, PanelConfig, PanelSite
from bot.web.server import web_server
from storage import Storage, bulk
from storage.activities import ActivityStatus, Category
from storage.roles import RoleName

LIMA = ZoneInfo("America/Lima")
COORDINATOR = 999_000_001
PAGES = ("", "matrix", "gaps", "overlaps")
UGEL_ACTIVITIES = 20_000
SEED = 17


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="a database built by generate_population")
    parser.add_argument("--requests", type=int, default=40, help="requests per page and scope")
    parser.add_argument("--now", type=datetime.fromisoformat, default=NOW)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="minka-panel-") as folder:
        database = Path(folder) / "peru.sqlite"
        if args.database:
            shutil.copyfile(args.database, database)  # the top-up changes the copy only
        else:
            build(database, args.now)
        asyncio.run(run(database, args.requests, args.now))


async def biggest(storage: Storage, digits: int) -> tuple[str, int]:
    """The ubigeo prefix of `digits` with the most active schools, and how many."""
    row = await storage.db.fetchone(
        "SELECT substr(ubigeo, 1, ?) AS place, count(*) AS n FROM schools WHERE active = 1"
        " AND ubigeo IS NOT NULL GROUP BY place ORDER BY n DESC LIMIT 1",
        (digits,),
    )
    assert row is not None
    return row["place"], row["n"]


async def activities_in(storage: Storage, prefix: str, now: datetime) -> int:
    low, high = prefix.ljust(6, "0"), prefix.ljust(6, "9")
    start, end = now - timedelta(days=30), now + timedelta(days=31)
    count = await storage.db.scalar(
        "SELECT count(*) FROM activities a JOIN schools s ON s.id = a.school_id"
        " WHERE s.ubigeo BETWEEN ? AND ? AND a.starts_at < ? AND a.ends_at > ?",
        (low, high, end.isoformat(), start.isoformat()),
    )
    return int(count)


async def run(database: Path, requests: int, now: datetime) -> None:
    storage = Storage(database)
    await storage.open()
    try:
        await storage.roles.grant(COORDINATOR, RoleName.COORDINATOR)  # everywhere
        session = await storage.panel_access.open_session(COORDINATOR, now)
        config = PanelConfig("", (), LIMA, "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                             False, "es")  # fmt: skip
        web = WebApp(storage, LIMA, lambda: now, PanelSite(storage, config, lambda: now))
        async with web_server(web.asgi(), "127.0.0.1", 0) as port:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(base_url=base, cookies={COOKIE: session},
                                         timeout=60) as client:  # fmt: skip
                await leaflet_weight(client)
                await measure_scope(storage, client, 6, requests, now)
                await top_up(storage, (await biggest(storage, 4))[0], UGEL_ACTIVITIES, now)
                await measure_scope(storage, client, 4, requests, now)
    finally:
        await storage.close()


async def top_up(storage: Storage, prefix: str, target: int, now: datetime) -> None:
    """Generated activities at the place's schools until the period holds `target`."""
    missing = target - await activities_in(storage, prefix, now)
    if missing <= 0:
        return
    rng = random.Random(SEED)
    schools = [s.id for s in await storage.schools.in_ubigeo_prefix(prefix, limit=100_000)]
    orgs = [int(r[0]) for r in await storage.db.fetchall(
        "SELECT id FROM organizations ORDER BY id LIMIT 60")]  # fmt: skip
    made = [generated(rng, rng.choice(schools), rng.choice(orgs), now) for _ in range(missing)]
    await bulk.load(storage.db, bulk.BulkData(activities=made))


def generated(rng: random.Random, school: int, org: int, now: datetime) -> bulk.BulkActivity:
    start = (now + timedelta(days=rng.uniform(-30, 30))).replace(second=0, microsecond=0)
    done = start < now
    return bulk.BulkActivity(
        school_id=school, organization_id=org, author_id=None, title="Actividad de prueba",
        description=None, category=rng.choice(list(Category)), starts_at=start,
        ends_at=start + timedelta(hours=rng.choice((1, 2, 3, 4))),
        status=ActivityStatus.DONE if done else ActivityStatus.SCHEDULED,
        participants=None, cancel_reason=None, reminder_sent_at=None, checkin_sent_at=None,
        created_at=now - timedelta(days=40), updated_at=now - timedelta(days=40),
    )  # fmt: skip


async def leaflet_weight(client: httpx.AsyncClient) -> None:
    sent = 0
    for path in ("/panel/leaflet/leaflet.js", "/panel/leaflet/leaflet.css"):
        response = await client.get(path, headers={"accept-encoding": "gzip"})
        sent += response.num_bytes_downloaded
    print(f"leaflet.js + leaflet.css as sent: {sent / 1024:.0f} KB (once, then cached)")


async def measure_scope(
    storage: Storage, client: httpx.AsyncClient, digits: int, requests: int, now: datetime
) -> None:
    place, schools = await biggest(storage, digits)
    activities = await activities_in(storage, place, now)
    kind = "district" if digits == 6 else "province"
    print(f"\n{kind} {place}: {schools} schools, {activities} activities in the period")
    for page in PAGES:
        path = f"/panel/{page}?scope=place-{place}"
        afresh, sent, raw = await measure_page(client, path, requests, lambda: change(storage))
        kept, _, _ = await measure_page(client, path, requests)
        print(
            f"panel {kind} {page or 'overview'}: afresh {percentiles(afresh)}; kept "
            f"{percentiles(kept)}; {sent / 1024:.0f} KB sent (gzip), {raw / 1024:.0f} KB raw"
        )


def percentiles(times: list[float]) -> str:
    p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
    return f"p50 {p50:.0f} ms, p95 {p95:.0f} ms"


async def change(storage: Storage) -> None:
    """A write the overview must not miss (an organization's name, set to itself): its data
    version moves, so the next page reads afresh instead of using what was kept."""
    async with storage.db.transaction() as session:
        await session.execute(
            "UPDATE organizations SET name = name WHERE id = (SELECT min(id) FROM organizations)"
        )


async def measure_page(
    client: httpx.AsyncClient,
    path: str,
    requests: int,
    before: Callable[[], Awaitable[None]] | None = None,
) -> tuple[list[float], int, int]:
    """Times of `requests` GETs of `path` (`before` each, untimed), and the last one's size."""
    times = []
    sent = raw = 0
    for _ in range(requests):
        if before is not None:
            await before()
        started = time.perf_counter()
        response = await client.get(path, headers={"accept-encoding": "gzip"})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        sent, raw = response.num_bytes_downloaded, len(response.content)
    return times, sent, raw


if __name__ == "__main__":
    main()
