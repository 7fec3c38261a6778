"""Data out at Peru scale: a 3W export of every activity (100,000) as xlsx and as CSV, time and
peak memory; and a calendar feed for a person following 50 schools (random ones with activity,
and the 50 busiest), served over real HTTP by the bot's web server: its first rendering, and
p50/p95 of a full answer and of a 304 refresh.

    .venv/bin/python -m bench.bench_exports --database /tmp/peru.sqlite   # built beforehand
    .venv/bin/python -m bench.bench_exports                             # builds one (~35 s)

The database comes from `bench.generate_population` (built in a child process, so this
process's peak memory is the export's). Targets: the xlsx export under 200 MB of memory
(peak RSS of the whole process, Python included); a feed of 50 schools p95 under 20 ms.
Prints numbers; not a test. Needs a quiet machine for meaningful times.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bench.generate_population import NOW
from bot.domain.exports import days_period, export_content
from bot.views.calendar_feed import calendar_path
from bot.views.export_files import write_csv, write_xlsx
from bot.web.app import WebApp
from bot.web.server import web_server
from storage import Storage
from storage.calendar_feeds import FEED_FUTURE, FEED_PAST, CalendarFeed, FeedKind
from storage.chats import ChatType
from storage.clock import to_db
from storage.exports import ExportScope, ScopeKind
from storage.follows import FollowKind

LIMA = ZoneInfo("America/Lima")
FOLLOWED_SCHOOLS = 50
NO_LIMIT = 2**62


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="a database built by generate_population")
    parser.add_argument("--requests", type=int, default=300, help="feed requests per figure")
    parser.add_argument("--now", type=datetime.fromisoformat, default=NOW)
    parser.add_argument("--feed-only", action="store_true", help="skip the file exports")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="minka-exports-") as folder:
        database = args.database or build(Path(folder) / "peru.sqlite", args.now)
        asyncio.run(run(database, Path(folder), args.requests, args.now, args.feed_only))


def build(path: Path, now: datetime) -> Path:
    started = time.perf_counter()
    command = [sys.executable, "-m", "bench.generate_population", "--out", str(path)]
    subprocess.run([*command, "--now", now.isoformat()], check=True, stdout=subprocess.DEVNULL)
    print(f"built {path.name} in {time.perf_counter() - started:.1f} s (child process)")
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def run(database: Path, folder: Path, requests: int, now: datetime, feed_only: bool) -> None:
    storage = Storage(database)
    await storage.open()
    try:
        print(f"peak RSS before exporting: {peak_rss_mb():.0f} MB")
        if not feed_only:
            await measure_exports(storage, folder)
        await measure_feed(storage, requests, now)
    finally:
        await storage.close()


async def measure_exports(storage: Storage, folder: Path) -> None:
    everything = ExportScope(ScopeKind.EVERYWHERE)
    span = await storage.db.fetchone("SELECT min(starts_at), max(ends_at) FROM activities")
    assert span is not None and span[0] is not None, "no activities in the database"
    first = datetime.fromisoformat(span[0]).astimezone(LIMA).date()
    period = days_period(first, datetime.fromisoformat(span[1]).astimezone(LIMA).date(), LIMA)
    count = await storage.db.scalar("SELECT count(*) FROM activities")
    started = time.perf_counter()
    content = await export_content(storage.exports, everything, period)
    size = await write_xlsx(folder / "peru.xlsx", content, "es", LIMA, max_bytes=NO_LIMIT)
    seconds = time.perf_counter() - started
    print(f"export xlsx: {count:,} activities in {seconds:.1f} s, {size / 1e6:.1f} MB file, "
          f"peak RSS {peak_rss_mb():.0f} MB (target < 200 MB)")  # fmt: skip
    started = time.perf_counter()
    activities = storage.exports.activities(everything, period)
    size = await write_csv(folder / "peru.csv", activities, "es", LIMA, max_bytes=NO_LIMIT)
    seconds = time.perf_counter() - started
    print(f"export csv: {count:,} activities in {seconds:.1f} s, {size / 1e6:.1f} MB file, "
          f"peak RSS {peak_rss_mb():.0f} MB")  # fmt: skip


async def followed_schools(storage: Storage, now: datetime, busiest: bool) -> list[int]:
    """50 schools with an activity in the feed's window: a fixed sample, or the 50 with
    most activities (the worst case: their feed reaches FEED_MAX_EVENTS)."""
    # Not random(): a fixed shuffle (a multiplicative hash of the id), so runs compare.
    order = "count(*) DESC" if busiest else "(school_id * 2654435761) % 1000003"
    rows = await storage.db.fetchall(
        "SELECT school_id FROM activities WHERE starts_at > ? AND starts_at < ?"
        " GROUP BY school_id ORDER BY " + order + ", school_id LIMIT ?",
        (to_db(now - FEED_PAST), to_db(now + FEED_FUTURE), FOLLOWED_SCHOOLS),
    )
    return [row[0] for row in rows]


async def feed_of(storage: Storage, follower: int, schools: list[int]) -> CalendarFeed:
    await storage.chats.remember(follower, ChatType.PRIVATE)
    for school in schools:
        await storage.follows.follow(follower, FollowKind.SCHOOL, str(school))
    return await storage.calendar_feeds.link_for(follower, FeedKind.FOLLOWS, "", "es")


async def measure_feed(storage: Storage, requests: int, now: datetime) -> None:
    for what, follower, busiest in (("50 schools", 9_000_001, False),
                                    ("the 50 busiest schools", 9_000_002, True)):  # fmt: skip
        feed = await feed_of(storage, follower, await followed_schools(storage, now, busiest))
        events = len(await storage.calendar_feeds.activities(feed, now))
        web = WebApp(storage, LIMA, clock=lambda: now)
        async with web_server(web.asgi(), "127.0.0.1", 0) as port, httpx.AsyncClient() as client:
            url = f"http://127.0.0.1:{port}{calendar_path(feed.token)}"
            started = time.perf_counter()
            first = await client.get(url)
            rendering = (time.perf_counter() - started) * 1000
            full = await _timed(client, url, {}, requests, 200)
            etag = {"If-None-Match": first.headers["etag"]}
            cached = await _timed(client, url, etag, requests, 304)
        print(f"feed of {what}: {events} events, {len(first.content) / 1e3:.0f} kB, first"
              f" rendering {rendering:.0f} ms; 200 p50 {_p(full, 50):.1f} ms p95"
              f" {_p(full, 95):.1f} ms; 304 p50 {_p(cached, 50):.1f} ms p95"
              f" {_p(cached, 95):.1f} ms (target p95 < 20 ms)")  # fmt: skip


async def _timed(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], count: int, status: int
) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = await client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == status, response.status_code
    return times


def _p(times: list[float], percentile: int) -> float:
    return statistics.quantiles(times, n=100)[percentile - 1] if percentile < 100 else max(times)


if __name__ == "__main__":
    main()
