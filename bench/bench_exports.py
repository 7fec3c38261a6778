"""Data out at Peru scale: a 3W export of every activity (100,000) as xlsx and as CSV, time and
peak memory; and a calendar feed for a person following 50 schools, served over real HTTP by
the bot's web server, p50/p95 of a full answer and of a 304 refresh.

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
from datetime import datetime, timedelta
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
from storage.calendar_feeds import FeedKind
from storage.chats import ChatType
from storage.exports import ExportScope, ScopeKind
from storage.follows import FollowKind

LIMA = ZoneInfo("America/Lima")
FOLLOWER = 9_000_001  # a chat id no generated person has
FOLLOWED_SCHOOLS = 50
NO_LIMIT = 2**62


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="a database built by generate_population")
    parser.add_argument("--requests", type=int, default=300, help="feed requests per figure")
    parser.add_argument("--now", type=datetime.fromisoformat, default=NOW)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="minka-exports-") as folder:
        database = args.database or build(Path(folder) / "peru.sqlite", args.now)
        asyncio.run(run(database, Path(folder), args.requests, args.now))


def build(path: Path, now: datetime) -> Path:
    started = time.perf_counter()
    command = [sys.executable, "-m", "bench.generate_population", "--out", str(path)]
    subprocess.run([*command, "--now", now.isoformat()], check=True, stdout=subprocess.DEVNULL)
    print(f"built {path.name} in {time.perf_counter() - started:.1f} s (child process)")
    return path


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def run(database: Path, folder: Path, requests: int, now: datetime) -> None:
    storage = Storage(database)
    await storage.open()
    try:
        print(f"peak RSS before exporting: {peak_rss_mb():.0f} MB")
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


async def follow_busy_schools(storage: Storage, now: datetime) -> int:
    """The follower follows the 50 schools with most activities in the feed's window; returns
    how many events the feed holds."""
    rows = await storage.db.fetchall(
        "SELECT school_id FROM activities WHERE starts_at > ? GROUP BY school_id"
        " ORDER BY count(*) DESC LIMIT ?",
        ((now - timedelta(days=90)).isoformat(), FOLLOWED_SCHOOLS),
    )
    await storage.chats.remember(FOLLOWER, ChatType.PRIVATE)
    for row in rows:
        await storage.follows.follow(FOLLOWER, FollowKind.SCHOOL, str(row[0]))
    feed = await storage.calendar_feeds.link_for(FOLLOWER, FeedKind.FOLLOWS, "", "es")
    return len(await storage.calendar_feeds.activities(feed, now))


async def measure_feed(storage: Storage, requests: int, now: datetime) -> None:
    events = await follow_busy_schools(storage, now)
    feed = await storage.calendar_feeds.link_for(FOLLOWER, FeedKind.FOLLOWS, "", "es")
    web = WebApp(storage, LIMA, clock=lambda: now)
    async with web_server(web.asgi(), "127.0.0.1", 0) as port:
        url = f"http://127.0.0.1:{port}{calendar_path(feed.token)}"
        async with httpx.AsyncClient() as client:
            first = await client.get(url)
            etag = first.headers["etag"]
            full = await _timed(client, url, {}, requests, 200)
            cached = await _timed(client, url, {"If-None-Match": etag}, requests, 304)
    size_kb = len(first.content) / 1e3
    print(f"feed of {FOLLOWED_SCHOOLS} schools ({events} events, {size_kb:.0f} kB):"
          f" 200 p50 {_p(full, 50):.1f} ms p95 {_p(full, 95):.1f} ms; 304 p50"
          f" {_p(cached, 50):.1f} ms p95 {_p(cached, 95):.1f} ms (target p95 < 20 ms)")  # fmt: skip


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
