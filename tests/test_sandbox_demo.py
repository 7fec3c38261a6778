"""The sandbox's demo: Carlos registered as onboarding stores a coordinator, a labelled demo set
that gives every page of the overview something to show, written once; and the two README
commands tried as a newcomer types them, in a real `python -m bot sandbox` process."""

from __future__ import annotations

import asyncio
import re
import sys
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx

from bot.domain.exports import days_period
from bot.domain.panel import default_days
from bot.domain.registry_import import load_sample_schools
from bot.sandbox.demo import DEMO_ACTIVITIES, DEMO_COORDINATOR, DEMO_MARK, seed_demo
from bot.sandbox.session import wants_demo
from storage import Storage
from storage.exports import ExportScope, Period, ScopeKind
from storage.models import Role
from storage.overview import OverlapKind
from tests.helpers import NOW, ROOT, clean_environment

LIMA = ExportScope(ScopeKind.PLACE, "1501")
LIMA_TZ = ZoneInfo("America/Lima")
PANEL_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/panel/enter/[A-Za-z0-9_-]{43})")


async def activity_count(storage: Storage) -> int:
    return int(await storage.db.scalar("SELECT count(*) FROM activities"))


async def test_carlos_is_a_registered_coordinator_of_lima(storage: Storage) -> None:
    await load_sample_schools(storage)
    assert await seed_demo(storage, NOW, LIMA_TZ)
    carlos = await storage.members.get(DEMO_COORDINATOR)
    assert carlos is not None and carlos.is_registered and carlos.name == "Carlos"
    assert carlos.role is Role.INSTITUTION and carlos.consent_at is not None
    assert carlos.organization is not None and carlos.organization.name.endswith(DEMO_MARK)
    permissions = await storage.roles.permissions(DEMO_COORDINATOR, ())
    assert permissions.is_coordinator and permissions.covers_ubigeo("150135")
    assert not permissions.covers_ubigeo("080101")  # Lima province, not Cusco
    for rosa_or_emma in (1001, 1003):  # left for trying the onboarding
        assert await storage.members.get(rosa_or_emma) is None


async def test_the_demo_shows_on_every_page_and_is_labelled(storage: Storage) -> None:
    await load_sample_schools(storage)
    await seed_demo(storage, NOW, LIMA_TZ)
    assert await activity_count(storage) == len(DEMO_ACTIVITIES)
    rows = await storage.db.fetchall(
        "SELECT a.title, o.name FROM activities a JOIN organizations o ON o.id = a.organization_id"
    )
    assert all(r["title"].endswith(DEMO_MARK) and r["name"].endswith(DEMO_MARK) for r in rows)
    assert len({r["name"] for r in rows}) >= 3  # several organizations
    period = days_period(*default_days(NOW, LIMA_TZ), LIMA_TZ)  # what /panel opens on
    markers = await storage.overview.schools(LIMA, period)
    kinds = {m.cod_mod: m.organizations for m in markers}
    assert kinds["9000001"] == 2 and kinds["9000033"] == 1
    assert sum(1 for m in markers if m.organizations == 0) > 10  # schools with none
    matrix = await storage.overview.matrix(LIMA, period)
    assert {c.key for c in matrix} >= {"salud", "lectura", "arte"}
    overlaps = await storage.overview.overlaps(LIMA, period, LIMA_TZ)
    found = {(o.cod_mod, o.kind) for o in overlaps}
    assert ("9000001", OverlapKind.SAME_TIME) in found  # two organizations one morning
    assert ("9000002", OverlapKind.SAME_WEEK) in found  # one category twice in a week
    assert ("9000003", OverlapKind.SAME_TIME) in found  # a workshop inside a reading week
    gaps = await storage.overview.gaps(LIMA, Period(NOW - timedelta(days=60), NOW))
    quiet = {g.cod_mod for g in gaps}
    assert "9000007" not in quiet and "9000009" not in quiet  # activities in the last 60 days
    assert "9000001" in quiet  # only upcoming activities there


async def test_a_second_start_adds_nothing_even_weeks_later(storage: Storage) -> None:
    await load_sample_schools(storage)
    await seed_demo(storage, NOW, LIMA_TZ)
    before = await activity_count(storage)
    organizations = len(await storage.organizations.every())
    assert not await seed_demo(storage, NOW, LIMA_TZ)
    assert not await seed_demo(storage, NOW + timedelta(days=21), LIMA_TZ)
    assert await activity_count(storage) == before
    assert len(await storage.organizations.every()) == organizations


async def test_carlos_registered_by_hand_keeps_his_answers(storage: Storage) -> None:
    await load_sample_schools(storage)
    await storage.members.record_consent(DEMO_COORDINATOR, "en")
    await storage.members.set_name(DEMO_COORDINATOR, "Charles")
    await storage.members.set_role(DEMO_COORDINATOR, Role.NGO)
    await storage.members.complete_registration(DEMO_COORDINATOR)
    await seed_demo(storage, NOW, LIMA_TZ)
    carlos = await storage.members.get(DEMO_COORDINATOR)
    assert carlos is not None and carlos.name == "Charles" and carlos.language == "en"
    assert (await storage.roles.permissions(DEMO_COORDINATOR, ())).is_coordinator


def test_the_demo_goes_only_into_a_sandbox_database() -> None:
    assert wants_demo(Path("minka-sandbox.db"), loaded_sample=False)  # the sandbox's own file
    assert wants_demo(Path("/tmp/new.db"), loaded_sample=True)  # just filled with the sample
    # DATABASE_PATH at a bot's database that has a registry: no demo people or activities.
    assert not wants_demo(Path("/srv/minka/minka.db"), loaded_sample=False)


async def read_until(process: asyncio.subprocess.Process, pattern: str) -> str:
    assert process.stdout is not None
    seen = ""
    while not re.search(pattern, seen):
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        if not line:
            raise AssertionError(f"the sandbox ended before {pattern!r}:\n{seen}")
        seen += line.decode()
    return seen


async def chat(process: asyncio.subprocess.Process, typed: str, answer: str) -> str:
    assert process.stdin is not None
    process.stdin.write(typed.encode() + b"\n")
    await process.stdin.drain()
    return await read_until(process, answer)


async def sandbox(database: Path, cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "sandbox", "--database", str(database),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, env={**clean_environment(), "PYTHONPATH": str(ROOT)},
        cwd=cwd,
    )  # fmt: skip


async def finish(process: asyncio.subprocess.Process) -> None:
    try:
        await chat(process, "/quit", "Bye")
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_the_readme_steps_open_the_overview(tmp_path: Path) -> None:
    """`python -m bot sandbox`, `/as Carlos`, `/panel`: the link opens a full overview. Rosa,
    unregistered, is shown the way; a second start on the same database adds nothing."""
    database = tmp_path / "minka-sandbox.db"  # the name the sandbox gives its own file
    process = await sandbox(database, tmp_path)
    try:
        banner = await read_until(process, r"You are Rosa")
        assert "/as Carlos" in banner and "/panel" in banner
        rosa = await chat(process, "/panel", r"/as Carlos")
        assert "/start" in rosa
        await chat(process, "/as Carlos", "Ahora eres Carlos")
        link = PANEL_LINK.search(await chat(process, "/panel", PANEL_LINK.pattern))
        assert link is not None
        async with httpx.AsyncClient(follow_redirects=True) as browser:
            page = await browser.get(link.group(1))
        assert page.status_code == 200 and "Lima" in page.text
        assert '<tr class="many"' in page.text and '<tr class="none"' in page.text
    finally:
        await finish(process)
    first = await count_in(database)
    await finish(await sandbox(database, tmp_path))
    assert await count_in(database) == first == len(DEMO_ACTIVITIES)


async def count_in(database: Path) -> int:
    storage = Storage(database)
    await storage.open()
    try:
        return await activity_count(storage)
    finally:
        await storage.close()
